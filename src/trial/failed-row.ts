/**
 * The `trials` row of a trial whose attempts are spent: its parameters and ids, status `failed`,
 * the last error, and no results. Written by the orchestration (activities/record-failed.ts) with
 * writeFailedTrial, so the outputs list the trial and `resume` runs it again.
 */
import { analyticIdOf, canonicalParams, trialIdOf } from '../config/index.js';
import type { SweepConfig } from '../config/index.js';
import type { TrialRow } from '../tables/rows.js';
import { trialParamsOf } from '../config/parameters.js';

export function failedTrialRow(config: SweepConfig, sweepId: string, error: string, attempts: number): TrialRow {
  return {
    ...trialParamsOf(config),
    trial_id: trialIdOf(config),
    sweep_id: sweepId,
    analytic_id: config.ntk.analytic ? analyticIdOf(config) : null,
    params_json: canonicalParams(config),
    status: 'failed',
    error,
    diverged_at_step: null,
    steps_done: 0,
    attempts,
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
}
