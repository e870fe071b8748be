/**
 * One trial's tables filled with seeded random values of the right shapes (src/tables/rows.ts),
 * for the table tests and benchmarks: every column gets non-trivial values, nullable columns get
 * nulls in some rows, numbers that float32/int64/timestamps could mangle are included (a seed of
 * 2^32 − 1, milliseconds in `started_at`, NaN in a diverged loss).
 */
import { PARAMETER_COLUMNS, type TrialParams } from '../../src/config/parameters.js';
import type {
  AnalyticRow,
  CurveRow,
  KernelRow,
  ModeRow,
  PredictionRow,
  SpectrumRow,
  TrialRow,
  TrialTables,
} from '../../src/tables/rows.js';
import { makeRng } from '../../src/rng.js';

export interface SyntheticTrialOptions {
  trialId: string;
  /** Seeds the values; the same options give the same tables. */
  seed?: number;
  nTrain?: number;
  nTest?: number;
  /** Snapshot steps (kernels, predictions, spectra). */
  snapshots?: number[];
  /** Logged steps (curves and modes): 0, logEvery, … up to steps. */
  steps?: number;
  logEvery?: number;
  /** Top eigenvalues per snapshot and kind (spectra) and residual modes per logged step. */
  ranks?: number;
  analyticId?: string | null;
  status?: TrialRow['status'];
}

export function syntheticTrialTables(o: SyntheticTrialOptions): TrialTables {
  const rng = makeRng(o.seed ?? 1, o.trialId);
  const n = o.nTrain ?? 16;
  const m = o.nTest ?? 8;
  const snapshots = o.snapshots ?? [0, 10, 20];
  const steps = o.steps ?? 20;
  const logEvery = o.logEvery ?? 5;
  const ranks = o.ranks ?? 4;
  const analyticId = o.analyticId === undefined ? `a-${o.trialId}` : o.analyticId;
  const id = o.trialId;
  const maybe = (x: number, i: number): number | null => (i % 3 === 1 ? null : x);

  const trials: TrialRow = {
    // Parameters not set below (those of other dataset and target kinds) are null.
    ...(Object.fromEntries(PARAMETER_COLUMNS.map((c) => [c, null])) as unknown as TrialParams),
    trial_id: id,
    sweep_id: 'synthetic-0123abcd',
    analytic_id: analyticId,
    params_json: JSON.stringify({ width: 64, depth: 2, seed: 4294967295 }),
    status: o.status ?? 'ok',
    error: o.status === 'failed' ? 'something broke: "quoted", ünïcödé' : null,
    width: 64,
    depth: 2,
    lr: 0.5,
    seed: 4294967295,
    activation: 'relu',
    parameterization: 'ntk',
    w_std: Math.SQRT2,
    b_std: 0.1,
    outputs: 1,
    dataset: 'circle',
    n_train: n,
    n_test: m,
    data_seed: 2 ** 40 + 7,
    target: 'sin',
    steps,
    log_every: logEvery,
    diverged_at_step: o.status === 'diverged' ? 15 : null,
    steps_done: steps,
    attempts: 2,
    backend: 'wasm',
    device: 'wasm (SIMD, 1 thread)',
    started_at: new Date(Date.UTC(2026, 10, 3, 12, 34, 56, 789)),
    wall_s: 1.25 + rng.uniform(),
    eta_crit: 3.5,
    lr_over_crit: 0.5 / 3.5,
    final_train_loss: o.status === 'diverged' ? Number.NaN : rng.uniform(),
    final_test_loss: rng.uniform(),
    final_kernel_rel_err: rng.uniform(),
    final_kernel_drift: null,
    final_weight_change: rng.uniform(),
    final_pred_gap_analytic: rng.uniform(),
    final_pred_gap_linear: null,
    test_loss_initial_kernel: rng.uniform(),
    test_loss_after_kernel: rng.uniform(),
    test_loss_analytic_kernel: rng.uniform(),
  };
  if (o.status === 'failed') {
    return { trials, curves: [], kernels: [], predictions: [], spectra: [], modes: [], analytic: [] };
  }

  const logged: number[] = [];
  for (let s = 0; s <= steps; s += logEvery) logged.push(s);
  const curves: CurveRow[] = logged.map((step, i) => ({
    trial_id: id,
    step,
    train_loss: rng.uniform(),
    test_loss: rng.uniform(),
    pred_train_loss_analytic: rng.uniform(),
    pred_test_loss_analytic: maybe(rng.uniform(), i),
    pred_train_loss_linear: rng.uniform(),
    pred_test_loss_linear: maybe(rng.uniform(), i),
    weight_change: rng.uniform() * 1e-3,
    weight_change_input: rng.uniform() * 1e-3,
    weight_change_hidden: rng.uniform() * 1e-4,
    weight_change_output: rng.uniform() * 1e-3,
    bias_change_input: rng.uniform() * 1e-3,
    bias_change_hidden: rng.uniform() * 1e-3,
    bias_change_output: rng.uniform() * 1e-2,
    kernel_rel_err: snapshots.includes(step) ? rng.uniform() : null,
    kernel_drift: snapshots.includes(step) ? rng.uniform() : null,
    pred_gap_analytic: maybe(rng.uniform(), i),
    pred_gap_linear: maybe(rng.uniform(), i),
    pred_gap_analytic_rel: maybe(rng.uniform(), i),
    pred_gap_linear_rel: maybe(rng.uniform(), i),
  }));

  const row = (len: number): number[] => Array.from({ length: len }, () => rng.normal());
  const kernels: KernelRow[] = [];
  for (const step of snapshots) {
    for (const [split, rows] of [
      ['train', n],
      ['test', m],
    ] as const) {
      for (let r = 0; r < rows; r++)
        kernels.push({ trial_id: id, step, kind: 'empirical', split, row: r, values: Float32Array.from(row(n)) });
    }
  }
  const analytic: AnalyticRow[] = [];
  if (analyticId !== null) {
    for (const kind of ['analytic_ntk', 'analytic_nngp'] as const) {
      for (let r = 0; r < n; r++)
        analytic.push({ analytic_id: analyticId, kind, split: 'train', row: r, values: Float64Array.from(row(n)) });
    }
  }
  const predictions: PredictionRow[] = [];
  for (const step of snapshots) {
    for (let p = 0; p < m; p++) {
      predictions.push({
        trial_id: id,
        step,
        point: p,
        output: 0,
        y: rng.normal(),
        f_nn: rng.normal(),
        f_lin_analytic: rng.normal(),
        f_lin_empirical: maybe(rng.normal(), p),
        f_ensemble_mean: rng.normal(),
        f_ensemble_var: maybe(rng.uniform(), p + 1),
      });
    }
  }
  const spectra: SpectrumRow[] = [];
  for (const step of snapshots) {
    for (const kind of ['empirical', 'analytic_ntk'] as const) {
      for (let r = 0; r < ranks; r++)
        spectra.push({ trial_id: id, step, kind, rank: r, eigenvalue: 10 / (r + 1) + rng.uniform() });
    }
  }
  const modes: ModeRow[] = [];
  for (const step of logged) {
    for (let r = 0; r < ranks; r++) {
      modes.push({
        trial_id: id,
        step,
        rank: r,
        eigenvalue: 10 / (r + 1),
        residual: rng.normal(),
        predicted: rng.normal(),
      });
    }
  }
  return { trials, curves, kernels, predictions, spectra, modes, analytic };
}

/** The smallest trial that still fills every table: one curves row (steps 0), one analytic file shared by all. */
export function tinyTrialTables(trialId: string): TrialTables {
  return syntheticTrialTables({
    trialId,
    nTrain: 2,
    nTest: 1,
    snapshots: [0],
    steps: 0,
    logEvery: 1,
    ranks: 1,
    analyticId: 'a-shared',
  });
}
