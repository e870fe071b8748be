/**
 * Where each table's files live in a run folder (names and paths from ./run-folder.ts): one flat
 * folder per table, holding a `<id>.parquet` per trial not yet compacted and the part files of
 * ./compact.ts. Temporary files of the writers start with a dot and do not end in `.parquet`
 * (or live in RUN/.tables/tmp), so neither {@link listTableIds}, nor pyarrow/pandas (which skip
 * hidden files), nor a `*.parquet` glob sees them.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { TrialTableName } from './rows.js';
import { ANALYTIC_DIR, PARQUET, idFile, isPartName, isTableFileName, snapshotDir } from './run-folder.js';

export { SIBLING_TABLES, checkId, isTableFileName } from './run-folder.js';

/** RUN/<table>/<trial_id>.parquet (through the table's symlink into the current generation). */
export function trialFile(runDir: string, table: TrialTableName, trialId: string): string {
  return idFile(runDir, table, trialId);
}

/** RUN/analytic/<analytic_id>.parquet */
export function analyticFile(runDir: string, analyticId: string): string {
  return idFile(runDir, ANALYTIC_DIR, analyticId);
}

/** The names in `dir` (empty when it does not exist). */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * The ids of the small (per-trial or per-analytic) files of one table folder, parts excluded
 * (empty when the folder does not exist). `dir` defaults to the table's folder in the current
 * generation. Synchronous: one readdir, fast even for 10 000 files, and no thread-pool round trip.
 */
export function listTableIds(runDir: string, table: string, dir = snapshotDir(runDir, table)): string[] {
  return listDir(dir)
    .filter(isTableFileName)
    .map((n) => n.slice(0, -PARQUET.length))
    .filter((id) => !isPartName(id));
}

export const joinFile = (dir: string, base: string): string => path.join(dir, `${base}${PARQUET}`);
