/**
 * Reading the run folder: which trials are complete (for resuming, docs/design.md §8 and §11) and whole
 * tables as Arrow (for tests and tools; the aggregation reads with DuckDB).
 *
 * The completion rule is the one ./write.ts keeps: `trials/<id>.parquet` valid with status ok or
 * diverged, and each sibling (curves, kernels, predictions, spectra, modes, and the trial's
 * analytic file) present and valid ⇒ complete; `trials` valid with status failed ⇒ failed; any
 * other trace of the trial (a sibling without its marker, a truncated or corrupt file, a file of
 * another table or trial renamed into place) ⇒ incomplete. Trials without any file are not listed.
 * "Valid" means the footer check of ./parquet.ts (magic bytes, footer length, the footer parses)
 * plus the table and id recorded in the schema metadata, and, at the `checksum` level, the
 * content checksum of ./parquet.ts recomputed over the file's data pages. Levels:
 * - `footer` (status): footers only, fast; a damaged data page goes unseen;
 * - `checksum` ({@link checkTrial}'s default: planning a sweep or resume, skipping a trial): also
 *   the checksum of every file that has one (reads each of the trial's files once);
 * - `deep` (`status --deep`): the checksum where there is one, else the whole file decoded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { SIBLING_TABLES, analyticFile, isTableFileName, joinFile, listTableIds } from './layout.js';
import { inspectParquetFile, parquetToArrow, verifyParquetChecksum } from './parquet.js';
import { TRIAL_TABLES } from './rows.js';
import { META, tableSchema, type TableName } from './schemas.js';
import { compactedTrials, listPartIndexes, readPartIndex } from './parts-index.js';
import { PARQUET, currentGeneration, generationDir, snapshotDir } from './run-folder.js';

export type TrialState = 'complete' | 'failed' | 'incomplete';

/** How much of each file is read to call it valid (see the module comment). */
export type CheckLevel = 'footer' | 'checksum' | 'deep';

export interface TrialStatesOptions {
  /** Also read every file in full: its checksum, or, for files without one, all of it decoded. */
  deep?: boolean;
}

/** How many trials are checked between yields to the event loop (keeps heartbeats flowing). */
const YIELD_EVERY = 256;

type FileCheck = { ok: true; metadata: Map<string, string> } | { ok: false };

function checkFile(file: string, table: string, id: string, level: CheckLevel): FileCheck {
  const found = inspectParquetFile(file);
  if (!found.ok) return { ok: false };
  if (found.metadata.get(META.table) !== table || found.metadata.get(META.id) !== id) return { ok: false };
  if (level === 'footer') return found;
  const sum = verifyParquetChecksum(file, found.metadata);
  if (sum.ok === false) return { ok: false };
  if (sum.ok === 'absent' && level === 'deep') {
    try {
      // Synchronous on purpose: the check runs between yields, like the footer checks.
      parquetToArrow(readFileSync(file));
    } catch {
      return { ok: false };
    }
  }
  return found;
}

/** The state of one trial, with the status of a complete one (what a runner skipping it reports). */
export type TrialCheck =
  { state: 'absent' | 'incomplete' | 'failed' } | { state: 'complete'; status: 'ok' | 'diverged' };

export interface TrialCheckOptions {
  /** Default `checksum`. */
  level?: CheckLevel;
  /** Verdicts on analytic files already checked (shared by many trials: checked once). */
  analyticCache?: Map<string, boolean>;
  /** The trial ids with a file in each table folder, when the caller has listed them (saves an open per missing file). */
  present?: ReadonlyMap<string, ReadonlySet<string>>;
  /** The generation to read (default: the current one, read once per call). */
  generation?: number;
  /** Parts found damaged (trials in them are incomplete), when the caller checked them. */
  damagedParts?: ReadonlySet<string>;
}

/**
 * The state of one trial by the rule of the module comment, reading only that trial's files
 * (and its analytic file): `absent` when no file of the trial exists. For checking one trial of a
 * large run without listing it; {@link trialStates} applies it to every trial.
 */
export function checkTrial(runDir: string, trialId: string, options: TrialCheckOptions = {}): TrialCheck {
  const level = options.level ?? 'checksum';
  const generation = options.generation ?? currentGeneration(runDir);
  const file = (table: string): string => path.join(snapshotDir(runDir, table, generation), `${trialId}${PARQUET}`);
  const checkAnalytic = (aid: string): boolean => {
    if (aid === '') return true;
    const cache = options.analyticCache;
    let ok = cache?.get(aid);
    if (ok === undefined) {
      ok = checkFile(analyticFile(runDir, aid), 'analytic', aid, level).ok;
      cache?.set(aid, ok);
    }
    return ok;
  };
  // A trial in a part is complete: only complete trials are compacted, their files checked first.
  if (generation !== undefined) {
    const compacted = compactedTrials(generationDir(runDir, generation)).get(trialId);
    if (compacted) {
      if (options.damagedParts?.size && partOf(runDir, generation, trialId, options.damagedParts))
        return { state: 'incomplete' };
      return checkAnalytic(compacted.analyticId)
        ? { state: 'complete', status: compacted.status }
        : { state: 'incomplete' };
    }
  }
  const has = (table: string): boolean => options.present?.get(table)?.has(trialId) ?? existsSync(file(table));
  if (!has('trials')) return { state: SIBLING_TABLES.some(has) ? 'incomplete' : 'absent' };
  const marker = checkFile(file('trials'), 'trials', trialId, level);
  if (!marker.ok) return { state: 'incomplete' };
  const status = marker.metadata.get(META.status);
  if (status === 'failed') return { state: 'failed' };
  if (status !== 'ok' && status !== 'diverged') return { state: 'incomplete' };
  for (const t of SIBLING_TABLES) {
    if (!has(t) || !checkFile(file(t), t, trialId, level).ok) return { state: 'incomplete' };
  }
  if (!checkAnalytic(marker.metadata.get(META.analyticId) ?? '')) return { state: 'incomplete' };
  return { state: 'complete', status };
}

function partOf(runDir: string, generation: number, trialId: string, parts: ReadonlySet<string>): boolean {
  const genDir = generationDir(runDir, generation);
  return [...parts].some((p) => readPartIndex(genDir, p).trials.some(([id]) => id === trialId));
}

/** The parts of a generation whose files fail the check of `level` (a damaged part). */
export function damagedParts(runDir: string, generation: number, level: CheckLevel): Set<string> {
  const genDir = generationDir(runDir, generation);
  const out = new Set<string>();
  for (const part of listPartIndexes(genDir)) {
    const index = readPartIndex(genDir, part);
    for (const [table, names] of Object.entries(index.files)) {
      for (const name of names) {
        if (!checkFile(path.join(genDir, table, `${name}${PARQUET}`), table, name, level).ok) out.add(part);
      }
    }
  }
  return out;
}

/**
 * The state of every trial that has at least one file in `runDir` (see the module comment for
 * the rule). Reads only footers unless `deep`: 10 000 trials take a few seconds.
 */
export async function trialStates(runDir: string, options: TrialStatesOptions = {}): Promise<Map<string, TrialState>> {
  const generation = currentGeneration(runDir);
  const present = new Map<string, Set<string>>();
  for (const t of TRIAL_TABLES) present.set(t, new Set(listTableIds(runDir, t, snapshotDir(runDir, t, generation))));
  const ids = new Set<string>();
  for (const s of present.values()) for (const id of s) ids.add(id);
  if (generation !== undefined) for (const id of compactedTrials(generationDir(runDir, generation)).keys()) ids.add(id);
  const level: CheckLevel = options.deep ? 'deep' : 'footer';
  const damaged = options.deep && generation !== undefined ? damagedParts(runDir, generation, level) : undefined;
  const check: TrialCheckOptions = { level, present, analyticCache: new Map(), generation, damagedParts: damaged };

  const states = new Map<string, TrialState>();
  let n = 0;
  for (const id of [...ids].sort()) {
    const { state } = checkTrial(runDir, id, check);
    // Every id here has a file, so `absent` cannot happen; it would mean incomplete.
    states.set(id, state === 'absent' ? 'incomplete' : state);
    if (++n % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return states;
}

/** The ids of the complete trials of `runDir` (failed and incomplete ones are to be run again). */
export async function completeTrialIds(runDir: string, options: TrialStatesOptions = {}): Promise<Set<string>> {
  const out = new Set<string>();
  for (const [id, state] of await trialStates(runDir, options)) if (state === 'complete') out.add(id);
  return out;
}

/** A trial recorded as failed, with the error its `trials` row holds. */
export interface FailedTrial {
  trialId: string;
  error: string;
}

/** The failed trials of `runDir` (their `trials` footer says failed), sorted by id, with their errors. */
export function failedTrials(runDir: string): FailedTrial[] {
  const out: FailedTrial[] = [];
  const dir = snapshotDir(runDir, 'trials');
  for (const id of listTableIds(runDir, 'trials', dir).sort()) {
    const file = joinFile(dir, id);
    const found = inspectParquetFile(file);
    if (!found.ok || found.metadata.get(META.status) !== 'failed') continue;
    const error = parquetToArrow(readFileSync(file)).getChild('error')?.get(0);
    out.push({ trialId: id, error: typeof error === 'string' ? error : '' });
  }
  return out;
}

/**
 * Every file of one table of `runDir` as one Arrow table (files in name order; for tests and small
 * runs — everything is read into memory). The schema is the table's declared schema; an empty
 * or absent folder gives an empty table. Throws when a file cannot be read.
 */
export async function readTable(runDir: string, table: TableName): Promise<arrow.Table> {
  const schema = tableSchema(table);
  let names: string[] = [];
  try {
    names = (await readdir(snapshotDir(runDir, table))).filter(isTableFileName).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const batches: arrow.RecordBatch[] = [];
  for (const name of names) {
    const file = path.join(snapshotDir(runDir, table), name);
    let t: arrow.Table;
    try {
      t = parquetToArrow(await readFile(file));
    } catch (e) {
      throw new Error(`cannot read ${file}: ${String(e)}`);
    }
    const found = t.schema.fields.map((f) => `${f.name}: ${f.type}`).join(', ');
    const expected = schema.fields.map((f) => `${f.name}: ${f.type}`).join(', ');
    if (found !== expected) throw new Error(`${file} does not have the ${table} schema: ${found}`);
    // Each file's schema carries its own id in the metadata; the batches share the declared one.
    for (const b of t.batches) batches.push(new arrow.RecordBatch(schema, b.data));
  }
  return new arrow.Table(schema, batches);
}
