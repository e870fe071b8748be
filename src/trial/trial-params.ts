/** A resolved trial config as the parameter columns of its trials row (src/tables/rows.ts). */
import type { SweepConfig } from '../config/types.js';
import type { TrialParams } from '../tables/rows.js';

export function trialParamsOf(config: SweepConfig): TrialParams {
  return {
    width: config.model.width,
    depth: config.model.depth,
    lr: config.train.lr,
    seed: config.seed,
    activation: config.model.activation,
    parameterization: config.model.parameterization,
    w_std: config.model.wStd,
    b_std: config.model.bStd,
    outputs: config.model.outputs,
    dataset: config.dataset.kind,
    n_train: config.dataset.nTrain,
    n_test: config.dataset.nTest,
    data_seed: config.dataset.seed,
    target: config.dataset.target.kind,
    steps: config.train.steps,
    log_every: config.train.logEvery,
  };
}
