/**
 * The state of one trial in a run folder, by the completion rule of src/tables/write.ts and
 * src/tables/read.ts (`trialStates`), but reading only that trial's files: the activity checks one
 * trial of a sweep that may hold tens of thousands, so it must not list and inspect them all.
 */
import { existsSync } from 'node:fs';
import { SIBLING_TABLES, analyticFile, trialFile } from '../tables/layout.js';
import { inspectParquetFile } from '../tables/parquet.js';
import type { TrialStatus } from '../tables/rows.js';
import { META } from '../tables/schemas.js';

export type SingleTrialState =
  | { state: 'absent' | 'incomplete' | 'failed' }
  | { state: 'complete'; status: Exclude<TrialStatus, 'failed'> };

/** A Parquet file of `table` written for `id`, with a valid footer. */
function validFile(file: string, table: string, id: string): Map<string, string> | undefined {
  const found = inspectParquetFile(file);
  if (!found.ok || found.metadata.get(META.table) !== table || found.metadata.get(META.id) !== id) return undefined;
  return found.metadata;
}

/**
 * `complete` (status ok or diverged) when the `trials` marker and every sibling, and the trial's
 * analytic file, are valid; `failed` when the marker says so; `incomplete` otherwise; `absent`
 * when the trial has no marker file at all (siblings alone are still `incomplete`).
 */
export function trialState(runDir: string, trialId: string): SingleTrialState {
  const marker = validFile(trialFile(runDir, 'trials', trialId), 'trials', trialId);
  if (!marker) {
    const anything = [...SIBLING_TABLES, 'trials' as const].some((t) => existsSync(trialFile(runDir, t, trialId)));
    return { state: anything ? 'incomplete' : 'absent' };
  }
  const status = marker.get(META.status);
  if (status === 'failed') return { state: 'failed' };
  if (status !== 'ok' && status !== 'diverged') return { state: 'incomplete' };
  for (const t of SIBLING_TABLES) if (!validFile(trialFile(runDir, t, trialId), t, trialId)) return { state: 'incomplete' };
  const aid = marker.get(META.analyticId) ?? '';
  if (aid !== '' && !validFile(analyticFile(runDir, aid), 'analytic', aid)) return { state: 'incomplete' };
  return { state: 'complete', status };
}
