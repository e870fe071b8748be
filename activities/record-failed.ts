/**
 * `recordFailed` (CPU queue): a trial whose retries are spent gets its `trials` row with status
 * `failed` and the last error (src/tables/write.ts writeFailedTrial), so the outputs list it and
 * the sweep goes on. `resume` runs failed trials again.
 */
import { analyticIdOf, canonicalParams, resolvePoint } from '../src/config/index.js';
import type { TrialRow } from '../src/tables/rows.js';
import { writeFailedTrial } from '../src/tables/write.js';
import { trialParamsOf } from '../src/trial/trial-params.js';
import type { RecordFailedInput } from '../workflows/shared.js';
import { loadRunConfig, pointAt } from './run-config.js';

export async function recordFailed(input: RecordFailedInput): Promise<void> {
  const rc = loadRunConfig(input);
  const config = resolvePoint(rc.loaded, pointAt(rc, input.index, input.trialId));
  const row: TrialRow = {
    ...trialParamsOf(config),
    trial_id: input.trialId,
    sweep_id: rc.sweepId,
    analytic_id: config.ntk.analytic ? analyticIdOf(config) : null,
    params_json: canonicalParams(config),
    status: 'failed',
    error: input.error,
    diverged_at_step: null,
    steps_done: 0,
    attempts: input.attempts,
    backend: config.execution.backend,
    device: '',
    started_at: new Date(),
    wall_s: 0,
    eta_crit: null,
    lr_over_crit: null,
    final_train_loss: null,
    final_test_loss: null,
    final_kernel_rel_err: null,
    final_kernel_drift: null,
    final_weight_change: null,
    final_pred_gap_analytic: null,
    final_pred_gap_linear: null,
    test_loss_initial_kernel: null,
    test_loss_after_kernel: null,
    test_loss_analytic_kernel: null,
  };
  await writeFailedTrial(input.runDir, row);
}
