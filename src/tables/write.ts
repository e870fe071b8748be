/**
 * Writing one trial's tables into the run folder (docs/design.md §7, layout in ./rows.ts).
 *
 * The completion rule, which ./read.ts checks: a trial is complete when `trials/<id>.parquet`
 * exists, is valid, and says status ok or diverged, and every sibling (`curves`, `kernels`,
 * `predictions`, `spectra`, `modes`, and `analytic/<analytic_id>` when the trial has one) exists
 * and is valid. A trial whose `trials` file says `failed` is failed, whatever else is there.
 *
 * To keep that rule true at every instant, even when a trial is written again or a writer dies
 * half-way:
 * 1. the old `trials` file (the completion marker) is removed first, so siblings of an earlier
 *    attempt and new ones can never be taken for a complete trial while they are being replaced;
 * 2. every file is written to a hidden temporary name in its folder, fsynced and renamed into
 *    place (src/io/atomic-write.ts), replacing any earlier file: one copy per trial and table
 *    (the siblings are written concurrently, so their fsyncs overlap);
 * 3. the folders are fsynced before the `trials` file is written, and it is written last.
 * A failed trial ({@link writeFailedTrial}) removes the marker, then the siblings, then writes
 * its `trials` row: stale rows of an earlier attempt do not outlive it in the tables.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { PARAMETER_COLUMNS } from '../config/parameters.js';
import { OutputError } from '../errors.js';
import { writeFileAtomic, writeFileAtomicAsync } from '../io/atomic-write.js';
import { makeTable } from './arrow-rows.js';
import { SIBLING_TABLES, analyticFile, checkId, trialFile } from './layout.js';
import { arrowToParquet, inspectParquetFile, verifyParquetChecksum } from './parquet.js';
import type { TrialParams, TrialRow, TrialTables } from './rows.js';
import { META, type RowsOf, type TableName } from './schemas.js';

/** fsync a folder so that the renames and removals in it survive a crash. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** {@link syncDir} without blocking, so that several folders are synced at once. */
async function syncDirAsync(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates `dir` (and its parents) or throws an OutputError that says why not. */
function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'no permission' : code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : (e as Error).message;
    throw new OutputError(`cannot create the folder ${dir}: ${why}`);
  }
}

/** A shared file that a trial may reuse: whole, and its data as written (the checksum level of ./read.ts). */
function isIntact(file: string): boolean {
  const found = inspectParquetFile(file);
  return found.ok && verifyParquetChecksum(file, found.metadata).ok !== false;
}

function encode<T extends TableName>(table: T, rows: readonly RowsOf[T][], meta: Record<string, string>, params?: TrialParams): Uint8Array {
  return arrowToParquet(makeTable(table, rows, meta, params));
}

/** The parameter columns of a trials row. */
function trialParamsOfRow(row: TrialRow): TrialParams {
  return Object.fromEntries(PARAMETER_COLUMNS.map((c) => [c, row[c]])) as TrialParams;
}

/** Metadata of a `trials` file: what listing needs, readable from the footer alone. */
function trialsMeta(row: TrialRow): Record<string, string> {
  return { [META.id]: row.trial_id, [META.status]: row.status, [META.analyticId]: row.analytic_id ?? '' };
}

function checkRowsBelong(tables: TrialTables): void {
  const id = tables.trials.trial_id;
  for (const t of SIBLING_TABLES) {
    const i = tables[t].findIndex((r) => r.trial_id !== id);
    if (i >= 0) throw new RangeError(`${t} row ${i} has trial_id ${tables[t][i].trial_id}, not ${id}`);
  }
  const aid = tables.trials.analytic_id;
  if (tables.analytic.length > 0 && aid === null) throw new RangeError(`trial ${id} has analytic rows but no analytic_id`);
  const j = tables.analytic.findIndex((r) => r.analytic_id !== aid);
  if (j >= 0) throw new RangeError(`analytic row ${j} has analytic_id ${tables.analytic[j].analytic_id}, not ${aid}`);
}

/** Removes the trial's `trials` file (the completion marker) and makes the removal durable. */
function removeMarker(runDir: string, trialId: string): void {
  const marker = trialFile(runDir, 'trials', trialId);
  rmSync(marker, { force: true });
  const dir = path.dirname(marker);
  ensureDir(dir);
  syncDir(dir);
}

/**
 * Writes one trial's tables to `RUN/<table>/<trial_id>.parquet` (and its analytic rows to
 * `RUN/analytic/<analytic_id>.parquet` unless an intact file is there already), `trials` last.
 * Writing the same trial again replaces its files. All tables are encoded before anything is
 * touched, so rows that cannot be encoded leave the folder as it was. Throws a RangeError/TypeError
 * for rows that do not fit the schemas or the trial, an OutputError when a file cannot be written.
 * Inverse (per table): ./read.ts `readTable`.
 */
export async function writeTrialTables(runDir: string, tables: TrialTables): Promise<void> {
  const row = tables.trials;
  checkId('trial_id', row.trial_id);
  if (row.status === 'failed') throw new RangeError(`trial ${row.trial_id} has status failed: write it with writeFailedTrial`);
  if (row.analytic_id !== null) checkId('analytic_id', row.analytic_id);
  checkRowsBelong(tables);

  const idMeta = { [META.id]: row.trial_id };
  // The trials row first: a parameter that does not fit its column is reported there, not in a sibling.
  const trialsBytes = encode('trials', [row], trialsMeta(row));
  const params = trialParamsOfRow(row);
  const siblings = SIBLING_TABLES.map((t) => ({ table: t, bytes: encode(t, tables[t] as RowsOf[typeof t][], idMeta, params) }));
  const analytic = row.analytic_id === null ? undefined : analyticFile(runDir, row.analytic_id);
  let analyticBytes: Uint8Array | undefined;
  if (analytic !== undefined && !isIntact(analytic)) {
    if (tables.analytic.length === 0) {
      throw new RangeError(`trial ${row.trial_id}: the analytic rows of ${row.analytic_id} are neither given nor in ${path.dirname(analytic)}`);
    }
    analyticBytes = encode('analytic', tables.analytic, { [META.id]: row.analytic_id! });
  }

  removeMarker(runDir, row.trial_id);
  const files: { file: string; bytes: Uint8Array }[] = siblings.map((s) => ({ file: trialFile(runDir, s.table, row.trial_id), bytes: s.bytes }));
  // Shared by every trial of this analytic config: concurrent writers rename identical bytes.
  if (analytic !== undefined && analyticBytes !== undefined) files.push({ file: analytic, bytes: analyticBytes });
  const dirs = [...new Set(files.map((f) => path.dirname(f.file)))];
  for (const d of dirs) ensureDir(d);
  // Written at once so that their fsyncs overlap; every one is in place before the marker.
  await Promise.all(files.map((f) => writeFileAtomicAsync(f.file, f.bytes)));
  await Promise.all(dirs.map(syncDirAsync));
  await writeFileAtomicAsync(trialFile(runDir, 'trials', row.trial_id), trialsBytes);
  await syncDirAsync(path.join(runDir, 'trials'));
}

/**
 * Records a trial that failed for good: its `trials` row (status `failed`, with the error) and no
 * other table. Files of an earlier attempt are removed first (marker, then siblings), so the
 * folder never holds a failed trial's stale rows, and a crash half-way leaves it incomplete (to
 * be run again), never complete. The shared analytic file is left alone.
 */
export async function writeFailedTrial(runDir: string, row: TrialRow): Promise<void> {
  checkId('trial_id', row.trial_id);
  if (row.status !== 'failed') throw new RangeError(`writeFailedTrial: trial ${row.trial_id} has status ${row.status}, not failed`);
  const bytes = encode('trials', [row], trialsMeta(row));
  removeMarker(runDir, row.trial_id);
  for (const t of SIBLING_TABLES) {
    const file = trialFile(runDir, t, row.trial_id);
    rmSync(file, { force: true });
  }
  for (const t of SIBLING_TABLES) {
    const dir = path.join(runDir, t);
    try {
      syncDir(dir);
    } catch {
      // the folder does not exist: nothing was removed from it
    }
  }
  writeFileAtomic(trialFile(runDir, 'trials', row.trial_id), bytes);
  syncDir(path.join(runDir, 'trials'));
}
