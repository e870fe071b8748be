/**
 * The train-set kernels of one resolved configuration: the analytic NTK Θ_∞ and NNGP K
 * (float64, docs/design.md §3), the empirical NTK Θ̂₀ of the network at initialisation and, when asked,
 * Θ̂_T after T steps of full-batch gradient descent (Jacot et al. 2018, arXiv:1806.07572;
 * Lee et al. 2019, arXiv:1902.06720). The `ntk-sweep kernel` command is a thin wrapper around it.
 */
import { selectBackend, type BackendName, type SelectedBackend } from './backend/select.js';
import type { SweepConfig } from './config/types.js';
import { makeDataset } from './data/make-dataset.js';
import type { Mat } from './linalg/mat.js';
import { initParams } from './model/params.js';
import { specOf, type MlpSpec } from './model/spec.js';
import { train } from './model/train.js';
import { analyticKernels } from './ntk/analytic.js';
import { empiricalNtk } from './ntk/empirical.js';
import { criticalLearningRate } from './predict/critical-lr.js';

/** Which kernel a snapshot holds (the `kind` column of the kernels table, docs/design.md §7). */
export type KernelKind = 'analytic_ntk' | 'analytic_nngp' | 'empirical';

/** One N × N train-set kernel; `step` is the training step of an empirical snapshot, 0 for analytic ones. */
export interface KernelSnapshot {
  kind: KernelKind;
  step: number;
  kernel: Mat;
}

export interface KernelsForConfigOptions {
  /** Folder that relative data paths start from (the config file's folder). */
  configDir: string;
  /** Train for this many steps and add the empirical kernel at that step (0 or absent: step 0 only). */
  steps?: number;
  /** TensorFlow.js backend; default: the config's `execution.backend`. */
  backend?: BackendName;
}

export interface TrainingOutcome {
  steps: number;
  status: 'ok' | 'diverged';
  /** First logged step whose loss was NaN or ±inf (status `diverged`). */
  divergedAtStep?: number;
  /** Training loss at the last logged step. */
  finalTrainLoss: number;
}

export interface KernelsForConfig {
  spec: MlpSpec;
  /** In order: analytic_ntk, analytic_nngp, empirical at 0, empirical at T (if trained and not diverged). */
  kernels: KernelSnapshot[];
  backend: SelectedBackend;
  /** η_crit = 2N/λ_max(Θ_∞): learning rates above it leave the linearised regime. */
  etaCrit: number;
  training?: TrainingOutcome;
}

/**
 * Computes the train-set kernels of `config` (a resolved trial: see resolveTrial). Training that
 * diverges is reported in `training` (status `diverged`, the step) and its step-T kernel left
 * out; the step-0 kernels are still returned. Throws DatasetError / BackendError for bad data or an
 * unavailable backend.
 *
 * @example
 * const { kernels, etaCrit } = await kernelsForConfig(loaded.config, { configDir: loaded.dir, steps: 200 });
 */
export async function kernelsForConfig(config: SweepConfig, opts: KernelsForConfigOptions): Promise<KernelsForConfig> {
  const data = makeDataset(config.dataset, config.model.outputs, opts.configDir);
  const spec = specOf(config, data.xTrain.cols);
  const backend = await selectBackend(opts.backend ?? config.execution.backend);

  const analytic = analyticKernels(spec, data.xTrain);
  const etaCrit = criticalLearningRate(analytic.ntk);
  const params0 = initParams(spec, config.seed);
  const kernels: KernelSnapshot[] = [
    { kind: 'analytic_ntk', step: 0, kernel: analytic.ntk },
    { kind: 'analytic_nngp', step: 0, kernel: analytic.nngp },
    { kind: 'empirical', step: 0, kernel: await empiricalNtk(params0, data.xTrain) },
  ];

  const steps = opts.steps ?? 0;
  if (steps === 0) return { spec, kernels, backend, etaCrit };

  const res = await train(params0, data, { lr: config.train.lr, steps, logEvery: config.train.logEvery });
  const last = res.log[res.log.length - 1];
  const training: TrainingOutcome = { steps, status: res.status, finalTrainLoss: last?.trainLoss ?? NaN };
  if (res.status === 'diverged') {
    training.divergedAtStep = res.divergedAtStep;
  } else {
    const thetaT = await empiricalNtk(res.params, data.xTrain);
    if (thetaT.data.every(Number.isFinite)) {
      kernels.push({ kind: 'empirical', step: steps, kernel: thetaT });
    } else {
      // The loss stayed finite but the weights overflowed in the kernel's products: divergence all the same.
      training.status = 'diverged';
      training.divergedAtStep = steps;
    }
  }
  return { spec, kernels, backend, etaCrit, training };
}
