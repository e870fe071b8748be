/**
 * Writing one trial's tables into the run folder (docs/design.md §7, paths in ./run-folder.ts): into
 * the current generation, holding the publish lock (./generations.ts), so that a compaction never
 * swaps a generation while a trial's files go into it.
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
import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PARAMETER_COLUMNS } from '../config/parameters.js';
import { OutputError } from '../errors.js';
import { writeFileAtomicAsync } from '../io/atomic-write.js';
import { makeTable } from './arrow-rows.js';
import { ensureGenerations, withPublishLock, writeTempFile } from './generations.js';
import { SIBLING_TABLES, analyticFile, checkId } from './layout.js';
import { arrowToParquet, inspectParquetFile, verifyParquetChecksum } from './parquet.js';
import { compactedTrials } from './parts-index.js';
import type { TrialParams, TrialRow, TrialTables } from './rows.js';
import { PARQUET, currentGeneration, generationDir, tmpDir } from './run-folder.js';
import { META, type RowsOf, type TableName } from './schemas.js';
import { ensureDir, syncDir, syncDirAsync } from './sync.js';

/** A shared file that a trial may reuse: whole, and its data as written (the checksum level of ./read.ts). */
function isIntact(file: string): boolean {
  const found = inspectParquetFile(file);
  return found.ok && verifyParquetChecksum(file, found.metadata).ok !== false;
}

function encode<T extends TableName>(
  table: T,
  rows: readonly RowsOf[T][],
  meta: Record<string, string>,
  params?: TrialParams,
): Uint8Array {
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
  if (tables.analytic.length > 0 && aid === null)
    throw new RangeError(`trial ${id} has analytic rows but no analytic_id`);
  const j = tables.analytic.findIndex((r) => r.analytic_id !== aid);
  if (j >= 0) throw new RangeError(`analytic row ${j} has analytic_id ${tables.analytic[j].analytic_id}, not ${aid}`);
}

/** The current generation's folder (the lock is held: it does not change meanwhile). */
function currentGenDir(runDir: string): string {
  const n = currentGeneration(runDir);
  if (n === undefined) throw new OutputError(`${runDir} has no current generation of its tables`);
  return generationDir(runDir, n);
}

/**
 * A trial already compacted into a part is complete: it is not written again (that would give it a
 * second copy). Only a duplicate attempt gets here (a retry whose first attempt finished after
 * all); like a runner that finds its trial complete, it leaves the trial as it is.
 */
function isCompacted(genDir: string, trialId: string): boolean {
  return compactedTrials(genDir).has(trialId);
}

/** Removes the trial's `trials` file (the completion marker) from `genDir` and makes the removal durable. */
function removeMarker(genDir: string, trialId: string): void {
  rmSync(path.join(genDir, 'trials', `${trialId}${PARQUET}`), { force: true });
  syncDir(path.join(genDir, 'trials'));
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
  if (row.status === 'failed')
    throw new RangeError(`trial ${row.trial_id} has status failed: write it with writeFailedTrial`);
  if (row.analytic_id !== null) checkId('analytic_id', row.analytic_id);
  checkRowsBelong(tables);

  const idMeta = { [META.id]: row.trial_id };
  // The trials row first: a parameter that does not fit its column is reported there, not in a sibling.
  const trialsBytes = encode('trials', [row], trialsMeta(row));
  const params = trialParamsOfRow(row);
  const siblings = SIBLING_TABLES.map((t) => ({
    table: t,
    bytes: encode(t, tables[t] as RowsOf[typeof t][], idMeta, params),
  }));
  const analytic = row.analytic_id === null ? undefined : analyticFile(runDir, row.analytic_id);
  let analyticBytes: Uint8Array | undefined;
  if (analytic !== undefined && !isIntact(analytic)) {
    if (tables.analytic.length === 0) {
      throw new RangeError(
        `trial ${row.trial_id}: the analytic rows of ${row.analytic_id} are neither given nor in ${path.dirname(analytic)}`,
      );
    }
    analyticBytes = encode('analytic', tables.analytic, { [META.id]: row.analytic_id! });
  }

  await ensureGenerations(runDir);
  // The bytes go to temporary files first (their fsyncs overlap); under the publish lock they are
  // renamed into the current generation, which a compaction cannot swap meanwhile.
  const temps: { table: string; tmp: string }[] = [];
  try {
    ensureDir(tmpDir(runDir));
    // Settled, not Promise.all: when one write fails (a full disk), the others' files must still be
    // known here to be removed below.
    const written = await Promise.allSettled([
      ...siblings.map(async (sib) => ({
        table: sib.table as string,
        tmp: await writeTempFile(runDir, sib.table, sib.bytes),
      })),
      (async () => ({ table: 'trials', tmp: await writeTempFile(runDir, 'trials', trialsBytes) }))(),
    ]);
    for (const w of written) if (w.status === 'fulfilled') temps.push(w.value);
    const failed = written.find((w) => w.status === 'rejected');
    if (failed) throw failed.reason;
    // Shared by every trial of this analytic config: concurrent writers rename identical bytes.
    if (analytic !== undefined && analyticBytes !== undefined) {
      ensureDir(path.dirname(analytic));
      await writeFileAtomicAsync(analytic, analyticBytes);
      await syncDirAsync(path.dirname(analytic));
    }
    await withPublishLock(runDir, async () => {
      const genDir = currentGenDir(runDir);
      if (isCompacted(genDir, row.trial_id)) return;
      removeMarker(genDir, row.trial_id);
      const dest = (table: string): string => path.join(genDir, table, `${row.trial_id}${PARQUET}`);
      for (const t of temps) if (t.table !== 'trials') renameSync(t.tmp, dest(t.table));
      await Promise.all(SIBLING_TABLES.map((t) => syncDirAsync(path.join(genDir, t))));
      const marker = temps.find((t) => t.table === 'trials')!;
      renameSync(marker.tmp, dest('trials'));
      await syncDirAsync(path.join(genDir, 'trials'));
    });
  } finally {
    for (const t of temps) rmSync(t.tmp, { force: true });
  }
}

/**
 * Records a trial that failed for good: its `trials` row (status `failed`, with the error) and no
 * other table. Files of an earlier attempt are removed first (marker, then siblings), so the
 * folder never holds a failed trial's stale rows, and a crash half-way leaves it incomplete (to
 * be run again), never complete. The shared analytic file is left alone.
 */
export async function writeFailedTrial(runDir: string, row: TrialRow): Promise<void> {
  checkId('trial_id', row.trial_id);
  if (row.status !== 'failed')
    throw new RangeError(`writeFailedTrial: trial ${row.trial_id} has status ${row.status}, not failed`);
  const bytes = encode('trials', [row], trialsMeta(row));
  await ensureGenerations(runDir);
  ensureDir(tmpDir(runDir));
  const tmp = await writeTempFile(runDir, 'trials', bytes);
  try {
    await withPublishLock(runDir, async () => {
      const genDir = currentGenDir(runDir);
      if (isCompacted(genDir, row.trial_id)) return;
      removeMarker(genDir, row.trial_id);
      for (const t of SIBLING_TABLES) rmSync(path.join(genDir, t, `${row.trial_id}${PARQUET}`), { force: true });
      await Promise.all(SIBLING_TABLES.map((t) => syncDirAsync(path.join(genDir, t))));
      renameSync(tmp, path.join(genDir, 'trials', `${row.trial_id}${PARQUET}`));
      await syncDirAsync(path.join(genDir, 'trials'));
    });
  } finally {
    rmSync(tmp, { force: true });
  }
}
