/**
 * Compaction (docs/run-folder.md, "Compaction"): the small files of complete trials, and parts
 * still well under their target size, are merged into part files — one per table and batch of
 * trials, rows kept together per trial — in a new generation that replaces the current one in one
 * rename (./generations.ts). Generic over the tables' columns: whatever columns the files have are
 * copied, and files of one table whose schemas differ (written by two versions) go to separate parts.
 *
 * Steps: (1) pick the complete trials of the current generation (their files checked in full) and
 * the open parts; (2) write the parts to temporary files, one table of one batch in memory at a
 * time; (3) under the publish lock, check that the generation and every source file are as read,
 * build the next generation — hard links to every entry kept, the new parts and their indexes —
 * fsync it, and swap `current` to it. Killed before the swap, the folder is as it was plus
 * leftovers that {@link removeLeftovers} deletes; after it, the compaction is done.
 */
import { linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import {
  ensureGenerations,
  listGenerations,
  removeLeftovers,
  replaceSymlink,
  withPublishLock,
  writeTempFile,
} from './generations.js';
import { listTableIds } from './layout.js';
import { arrowToParquet, inspectParquetFile, parquetToArrow } from './parquet.js';
import { listPartIndexes, readPartIndex, type PartIndex } from './parts-index.js';
import { checkTrial } from './read.js';
import { TRIAL_TABLES } from './rows.js';
import {
  PARQUET,
  currentGeneration,
  currentLink,
  generationDir,
  generationName,
  partName,
  partsIndexDir,
  tablesRoot,
  tmpDir,
} from './run-folder.js';
import { META } from './schemas.js';
import { ensureDir, syncDir } from './sync.js';

export interface CompactOptions {
  /** Most trials in one part (default 5 000). */
  partTrials?: number;
  /** Most bytes of source files of one table in one part (default 128 MiB). */
  partBytes?: number;
  /**
   * Do nothing unless at least this many complete trials have small files, or the folder has parts
   * already (default 1): a small sweep's few files are left as they are.
   */
  minTrials?: number;
  /** Called at each step (for tests that stop a compaction half-way). */
  onStep?: (step: 'picked' | 'written' | 'built' | 'swapped') => void;
}

export interface CompactResult {
  /** The generation current afterwards. */
  generation: number;
  /** Trials moved from small files into parts by this call. */
  compacted: number;
  /** Parts written (base names). */
  parts: string[];
  bytesRead: number;
  bytesWritten: number;
  /** Why nothing changed: too few trials, or another compaction or writer changed the generation meanwhile. */
  skipped?: 'nothing' | 'raced';
}

export const DEFAULT_PART_TRIALS = 5000;
export const DEFAULT_PART_BYTES = 128 * 1024 * 1024;

/** A file a part is made from, with what it was when read (checked again before the swap). */
interface Source {
  file: string;
  size: number;
  ino: number;
  mtimeMs: number;
}

/** A unit of merging: one complete trial's small files, or one open part. */
interface Unit {
  trials: PartIndex['trials'];
  /** Per table, the files (in the current generation). */
  files: Map<string, Source[]>;
  part?: string;
}

function source(file: string): Source {
  const st = statSync(file);
  return { file, size: st.size, ino: st.ino, mtimeMs: st.mtimeMs };
}

const unchanged = (s: Source): boolean => {
  try {
    const now = statSync(s.file);
    return now.ino === s.ino && now.size === s.size && now.mtimeMs === s.mtimeMs;
  } catch {
    return false;
  }
};

const bytesOf = (u: Unit, table: string): number => (u.files.get(table) ?? []).reduce((a, s) => a + s.size, 0);

/** The units of the current generation `genDir` worth merging (see the module comment). */
function pickUnits(
  runDir: string,
  generation: number,
  partTrials: number,
  partBytes: number,
): { small: Unit[]; open: Unit[] } {
  const genDir = generationDir(runDir, generation);
  const small: Unit[] = [];
  const analyticCache = new Map<string, boolean>();
  for (const id of listTableIds(runDir, 'trials', path.join(genDir, 'trials')).sort()) {
    const state = checkTrial(runDir, id, { level: 'checksum', generation, analyticCache });
    if (state.state !== 'complete') continue;
    const marker = inspectParquetFile(path.join(genDir, 'trials', `${id}${PARQUET}`));
    const aid = marker.ok ? (marker.metadata.get(META.analyticId) ?? '') : '';
    const files = new Map(TRIAL_TABLES.map((t) => [t as string, [source(path.join(genDir, t, `${id}${PARQUET}`))]]));
    small.push({ trials: [[id, state.status, aid]], files });
  }
  const open: Unit[] = [];
  for (const part of listPartIndexes(genDir)) {
    const index = readPartIndex(genDir, part);
    if (index.trials.length * 2 >= partTrials) continue;
    const files = new Map(
      Object.entries(index.files).map(([t, names]) => [
        t,
        names.map((n) => source(path.join(genDir, t, `${n}${PARQUET}`))),
      ]),
    );
    const unit: Unit = { trials: index.trials, files, part };
    // Half full by bytes is full enough too: otherwise a part that reached the byte limit long
    // before the trial limit would be read and written again by every later compaction.
    if (TRIAL_TABLES.some((t) => bytesOf(unit, t) * 2 >= partBytes)) continue;
    open.push(unit);
  }
  return { small, open };
}

/** Greedy batches of units, each within the trial and byte limits (a unit over them is a batch of its own). */
function batches(units: Unit[], partTrials: number, partBytes: number): Unit[][] {
  const out: Unit[][] = [];
  let cur: Unit[] = [];
  let trials = 0;
  const bytes = new Map<string, number>();
  for (const u of units) {
    const fits =
      trials + u.trials.length <= partTrials &&
      TRIAL_TABLES.every((t) => (bytes.get(t) ?? 0) + bytesOf(u, t) <= partBytes);
    if (!fits && cur.length) {
      out.push(cur);
      cur = [];
      trials = 0;
      bytes.clear();
    }
    cur.push(u);
    trials += u.trials.length;
    for (const t of TRIAL_TABLES) bytes.set(t, (bytes.get(t) ?? 0) + bytesOf(u, t));
  }
  if (cur.length) out.push(cur);
  return out;
}

const signature = (s: arrow.Schema): string => s.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`).join(',');

/**
 * Writes one table of one batch as part file(s) in RUN/.tables/tmp: the sources' rows in order, so
 * each trial's rows stay together; one file per distinct schema. Returns the temporary files.
 */
async function writeTablePart(
  runDir: string,
  table: string,
  base: string,
  units: Unit[],
): Promise<{ name: string; tmp: string; bytes: number; read: number }[]> {
  const groups = new Map<string, { schema: arrow.Schema; batches: arrow.RecordBatch[] }>();
  let read = 0;
  for (const u of units) {
    for (const s of u.files.get(table) ?? []) {
      const bytes = await readFile(s.file);
      read += bytes.length;
      const t = parquetToArrow(bytes);
      const key = signature(t.schema);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { schema: t.schema, batches: [] }));
      for (const b of t.batches) if (b.numRows > 0) g.batches.push(b);
    }
  }
  const out: { name: string; tmp: string; bytes: number; read: number }[] = [];
  let j = 0;
  for (const g of groups.values()) {
    const name = groups.size === 1 ? base : `${base}-s${j++}`;
    const first = g.schema.metadata;
    const metadata = new Map([
      [META.version, first.get(META.version) ?? ''],
      [META.table, table],
      [META.id, name],
    ]);
    const schema = new arrow.Schema(g.schema.fields, metadata);
    const batches = g.batches.map((b) => new arrow.RecordBatch(schema, b.data));
    const bytes = arrowToParquet(new arrow.Table(schema, batches));
    const tmp = await writeTempFile(runDir, `${name}.${table}`, bytes);
    out.push({ name, tmp, bytes: bytes.length, read: 0 });
  }
  if (out.length) out[0].read = read;
  return out;
}

/** Compacts the complete trials of `runDir` into parts (see the module comment). */
export async function compactRun(runDir: string, options: CompactOptions = {}): Promise<CompactResult> {
  const partTrials = options.partTrials ?? DEFAULT_PART_TRIALS;
  const partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
  const generation = await ensureGenerations(runDir);
  const { small, open } = pickUnits(runDir, generation, partTrials, partBytes);
  const result: CompactResult = { generation, compacted: 0, parts: [], bytesRead: 0, bytesWritten: 0 };
  const hasParts = listPartIndexes(generationDir(runDir, generation)).length > 0;
  if (small.length === 0 || (!hasParts && small.length < (options.minTrials ?? 1)))
    return { ...result, skipped: 'nothing' };
  options.onStep?.('picked');

  // Open parts first: a part keeps growing until it is half full, then stays. A batch that would
  // only copy one part as it is (no small files joined it) is left out.
  const plan = batches([...open, ...small], partTrials, partBytes).filter((b) => b.length > 1 || !b[0].part);
  const next = Math.max(generation, ...listGenerations(runDir)) + 1;
  ensureDir(tmpDir(runDir));
  const written: { table: string; name: string; tmp: string }[] = [];
  const indexes: PartIndex[] = [];
  try {
    for (const [k, units] of plan.entries()) {
      const base = partName(next, k);
      const index: PartIndex = { part: base, files: {}, trials: units.flatMap((u) => u.trials), bytes: 0 };
      for (const table of TRIAL_TABLES) {
        const files = await writeTablePart(runDir, table, base, units);
        index.files[table] = files.map((f) => f.name);
        for (const f of files) {
          written.push({ table, name: f.name, tmp: f.tmp });
          index.bytes += f.bytes;
          result.bytesWritten += f.bytes;
          result.bytesRead += f.read;
        }
      }
      indexes.push(index);
    }
    options.onStep?.('written');

    const consumed = plan.flat();
    const swapped = await withPublishLock(runDir, () => {
      if (currentGeneration(runDir) !== generation) return false;
      if (!consumed.every((u) => [...u.files.values()].flat().every(unchanged))) return false;
      removeLeftovers(runDir, { aborted: true });
      const from = generationDir(runDir, generation);
      const to = generationDir(runDir, next);
      const drop = new Set(consumed.flatMap((u) => [...u.files.values()].flat().map((s) => s.file)));
      const dropParts = new Set(consumed.map((u) => u.part).filter((p): p is string => p !== undefined));
      mkdirSync(partsIndexDir(to), { recursive: true });
      for (const table of TRIAL_TABLES) {
        mkdirSync(path.join(to, table));
        for (const name of readdirSync(path.join(from, table))) {
          if (!drop.has(path.join(from, table, name)))
            linkSync(path.join(from, table, name), path.join(to, table, name));
        }
      }
      for (const name of readdirSync(partsIndexDir(from))) {
        if (!dropParts.has(name.replace(/\.json$/, '')))
          linkSync(path.join(partsIndexDir(from), name), path.join(partsIndexDir(to), name));
      }
      for (const w of written) renameSync(w.tmp, path.join(to, w.table, `${w.name}${PARQUET}`));
      for (const index of indexes)
        writeFileAtomic(path.join(partsIndexDir(to), `${index.part}.json`), JSON.stringify(index));
      for (const table of TRIAL_TABLES) syncDir(path.join(to, table));
      syncDir(partsIndexDir(to));
      syncDir(to);
      syncDir(tablesRoot(runDir));
      options.onStep?.('built');
      // The one step readers see: every table moves to the next generation at once.
      replaceSymlink(generationName(next), currentLink(runDir));
      syncDir(tablesRoot(runDir));
      return true;
    });
    if (!swapped) return { ...result, bytesWritten: 0, skipped: 'raced' };
    options.onStep?.('swapped');
    removeLeftovers(runDir, { aborted: false });
    return { ...result, generation: next, compacted: small.length, parts: indexes.map((i) => i.part) };
  } finally {
    for (const w of written) rmSync(w.tmp, { force: true });
  }
}
