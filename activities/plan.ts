/**
 * Planning activities (CPU queue): the sweep's size and execution settings, and pages of the
 * trials still to run. The workflow pages through grid indices so that its history never holds
 * the grid; complete trials (checkTrial, src/tables/read.ts) are skipped, failed and incomplete ones are
 * run (again).
 */
import { repairRunFolder } from '../src/tables/generations.js';
import { checkTrial } from '../src/tables/read.js';
import { currentGeneration } from '../src/tables/run-folder.js';
import type { PlanPageInput, PlanPageResult, PlanSummary, RunRef } from '../workflows/shared.js';
import { loadRunConfig } from '../src/tables/run-config.js';
import { longestFirst } from '../src/config/trial-order.js';

/**
 * The sweep's id, trial count and execution settings, from RUN/config.yaml. Repairs the run folder
 * first: what a killed writer or compaction left is removed (src/tables/generations.ts).
 */
export async function plan(ref: RunRef): Promise<PlanSummary> {
  const rc = loadRunConfig(ref);
  await repairRunFolder(ref.runDir);
  const e = rc.loaded.config.execution;
  return {
    sweepId: rc.sweepId,
    total: rc.points.length,
    maxParallel: e.maxParallel,
    retries: e.retries,
    trialTimeoutS: e.trialTimeoutS,
  };
}

/** The trials of grid indices [from, from + limit) whose outputs are not complete, longest first (src/config/trial-order.ts). */
export async function planPage(input: PlanPageInput): Promise<PlanPageResult> {
  const rc = loadRunConfig(input);
  const next = Math.min(rc.points.length, input.from + input.limit);
  const result: PlanPageResult = { trials: [], next, complete: { ok: 0, diverged: 0 } };
  // One generation for the whole page: its parts' trials plus its small files.
  const generation = currentGeneration(input.runDir);
  for (let i = input.from; i < next; i++) {
    const { trialId } = rc.points[i];
    // Reads only this trial's files (or its part's index), so a page costs the same in a folder of 50 000 trials.
    const s = checkTrial(input.runDir, trialId, { generation });
    if (s.state !== 'complete') result.trials.push({ index: i, trialId });
    else if (s.status === 'diverged') result.complete.diverged++;
    else result.complete.ok++;
  }
  result.trials = longestFirst(rc.loaded, rc.points, result.trials);
  return result;
}
