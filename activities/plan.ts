/**
 * Planning activities (CPU queue): the sweep's size and execution settings, and pages of the
 * trials still to run. The workflow pages through grid indices so that its history never holds
 * the grid; complete trials (checkTrial, src/tables/read.ts) are skipped, failed and incomplete ones are
 * run (again).
 */
import { checkTrial } from '../src/tables/read.js';
import type { PlanPageInput, PlanPageResult, PlanSummary, RunRef } from '../workflows/shared.js';
import { loadRunConfig } from '../src/config/run-config.js';

/** The sweep's id, trial count and execution settings, from RUN/config.yaml. */
export async function plan(ref: RunRef): Promise<PlanSummary> {
  const rc = loadRunConfig(ref);
  const e = rc.loaded.config.execution;
  return {
    sweepId: rc.sweepId,
    total: rc.points.length,
    maxParallel: e.maxParallel,
    retries: e.retries,
    trialTimeoutS: e.trialTimeoutS,
  };
}

/** The trials of grid indices [from, from + limit) whose outputs are not complete. */
export async function planPage(input: PlanPageInput): Promise<PlanPageResult> {
  const rc = loadRunConfig(input);
  const next = Math.min(rc.points.length, input.from + input.limit);
  const result: PlanPageResult = { trials: [], next, complete: { ok: 0, diverged: 0 } };
  for (let i = input.from; i < next; i++) {
    const { trialId } = rc.points[i];
    // Reads only this trial's files (footers), so a page costs the same in a folder of 50 000 trials.
    const s = checkTrial(input.runDir, trialId);
    if (s.state !== 'complete') result.trials.push({ index: i, trialId });
    else if (s.status === 'diverged') result.complete.diverged++;
    else result.complete.ok++;
  }
  return result;
}
