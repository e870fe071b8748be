/**
 * `recordFailed` (CPU queue): a trial whose retries are spent gets its `trials` row with status
 * `failed` and the last error (src/tables/write.ts writeFailedTrial), so the outputs list it and
 * the sweep goes on. `resume` runs failed trials again.
 */
import { resolvePoint } from '../src/config/index.js';
import { writeFailedTrial } from '../src/tables/write.js';
import { failedTrialRow } from '../src/trial/failed-row.js';
import type { RecordFailedInput } from '../workflows/shared.js';
import { loadRunConfig, pointAt } from '../src/tables/run-config.js';

export async function recordFailed(input: RecordFailedInput): Promise<void> {
  const rc = loadRunConfig(input);
  const config = resolvePoint(rc.loaded, pointAt(rc, input.index, input.trialId));
  const row = { ...failedTrialRow(config, rc.sweepId, input.error, input.attempts), trial_id: input.trialId };
  await writeFailedTrial(input.runDir, row);
}
