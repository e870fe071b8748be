/**
 * `compact` (CPU queue): merges the run folder's complete trials into part files
 * (src/tables/compact.ts). The sweep runs it every few hundred completions and once more before
 * the aggregation; it is safe to run at any time, beside writers and readers.
 */
import { compactRun } from '../src/tables/compact.js';
import type { CompactSummary, RunRef } from '../workflows/shared.js';

/** Below this many complete trials a run folder is left as small files (a few hundred files open fast). */
export const COMPACT_MIN_TRIALS = 100;

export async function compact(ref: RunRef): Promise<CompactSummary> {
  const r = await compactRun(ref.runDir, { minTrials: COMPACT_MIN_TRIALS });
  return {
    generation: r.generation,
    compacted: r.compacted,
    parts: r.parts.length,
    ...(r.skipped ? { skipped: r.skipped } : {}),
  };
}
