/**
 * Where each table's files live in a run folder (the layout of ./rows.ts): one flat folder per
 * table, one `<id>.parquet` per trial (or per analytic config). Temporary files of the atomic
 * writer (src/io/atomic-write.ts) start with a dot and do not end in `.parquet`, so neither
 * {@link listTableIds}, nor pyarrow/pandas (which skip hidden files), nor a `*.parquet` glob sees them.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { TRIAL_TABLES, type TrialTableName } from './rows.js';

const PARQUET = '.parquet';

/** The per-trial tables other than `trials` (the completion marker), in the order they are written. */
export const SIBLING_TABLES = TRIAL_TABLES.filter((t) => t !== 'trials') as Exclude<TrialTableName, 'trials'>[];

/** Ids that are safe as file names: no separators, no leading dot, no `..`. */
const SAFE_ID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}$/;

/** Throws a RangeError when `id` could not be a file name in a table folder (a bug upstream, not a user error). */
export function checkId(what: string, id: string): void {
  if (typeof id !== 'string' || !SAFE_ID.test(id) || id.includes('..')) {
    throw new RangeError(`${what} ${JSON.stringify(id)} cannot name a file: use letters, digits, '_', '-', '.'`);
  }
}

/** RUN/<table>/<trial_id>.parquet */
export function trialFile(runDir: string, table: TrialTableName, trialId: string): string {
  return path.join(runDir, table, `${trialId}${PARQUET}`);
}

/** RUN/analytic/<analytic_id>.parquet */
export function analyticFile(runDir: string, analyticId: string): string {
  return path.join(runDir, 'analytic', `${analyticId}${PARQUET}`);
}

/** True for the names of finished Parquet files (not hidden, ending in .parquet). */
export function isTableFileName(name: string): boolean {
  return name.endsWith(PARQUET) && !name.startsWith('.') && name.length > PARQUET.length;
}

/**
 * The ids of the finished files of one table folder (empty when the folder does not exist).
 * Synchronous: one readdir, fast even for 10 000 files, and no thread-pool round trip.
 */
export function listTableIds(runDir: string, table: string): string[] {
  let names: string[];
  try {
    names = readdirSync(path.join(runDir, table));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names.filter(isTableFileName).map((n) => n.slice(0, -PARQUET.length));
}
