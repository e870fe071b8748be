/**
 * The rows of the run folder's tables (docs/design.md §7), one interface per table. Field names are the
 * Parquet column names (snake_case, as pandas/polars/DuckDB users see them); `null` is a missing
 * value. The Arrow schemas (src/tables/schemas.ts) give each column its physical type; this file
 * is the contract between the trial runner that fills the rows, the writer, and the aggregation.
 *
 * Where each table's files live: src/tables/run-folder.ts (every path of a run folder, in one place).
 */
import type { TrialParams } from '../config/parameters.js';

export type TrialStatus = 'ok' | 'diverged' | 'failed';

/**
 * The trial's resolved parameters as columns (every field a grid axis may set, and the kinds):
 * declared once in src/config/parameters.ts. Every per-trial table carries them (src/tables/schemas.ts),
 * so a reader groups any table by `width` or `activation` without a join.
 */
export type { TrialParams } from '../config/parameters.js';

/** trials: one row per trial. */
export interface TrialRow extends TrialParams {
  trial_id: string;
  sweep_id: string;
  /** The analytic kernels this trial shares (hash of what they depend on: data, depth, activation, σ's, parameterization). */
  analytic_id: string | null;
  /** The canonical resolved parameters as JSON (the trial id is their hash). */
  params_json: string;
  status: TrialStatus;
  /** Why a failed trial failed (the last attempt's error message). */
  error: string | null;
  /** The first training step whose loss is NaN/±inf (status diverged), exact to the step (src/model/train.ts). */
  diverged_at_step: number | null; // int32
  /** The last step run: train.steps, or for a diverged trial the logged step that found the divergence. */
  steps_done: number; // int32
  attempts: number; // int32
  backend: string; // dictionary string: wasm, cpu, webgpu, tensorflow
  device: string; // e.g. "wasm (SIMD, 1 thread)", "NVIDIA H100 (Vulkan)"
  started_at: Date; // timestamp[ms, UTC]
  wall_s: number; // float64
  /** η_crit = 2N/λ_max(Θ_∞) and η/η_crit (> 1: flagged, catapult/divergence regime). */
  eta_crit: number | null;
  lr_over_crit: number | null;
  final_train_loss: number | null;
  final_test_loss: number | null;
  final_kernel_rel_err: number | null;
  final_kernel_drift: number | null;
  final_weight_change: number | null;
  final_pred_gap_analytic: number | null;
  final_pred_gap_linear: number | null;
  /** Test losses of kernel regression with Θ̂₀ (initial kernel), Θ̂_T (after-kernel) and Θ_∞ (t → ∞). */
  test_loss_initial_kernel: number | null;
  test_loss_after_kernel: number | null;
  test_loss_analytic_kernel: number | null;
}

/*
 * The rows below are what a trial computes; their files also hold the trial's parameter columns
 * (TrialParams) after `trial_id`, added by the writer (./arrow-rows.ts): see StoredRowsOf in ./schemas.ts.
 */

/** curves: one row per trial × logged step. Metrics that need a kernel snapshot are null between snapshots. */
export interface CurveRow {
  trial_id: string;
  step: number; // int32
  train_loss: number;
  test_loss: number | null;
  /** Losses the linearised network predicts with Θ_∞ (analytic) and Θ̂₀ (linear), from the same f₀. */
  pred_train_loss_analytic: number | null;
  pred_test_loss_analytic: number | null;
  pred_train_loss_linear: number | null;
  pred_test_loss_linear: number | null;
  weight_change: number;
  /**
   * Per layer role: ‖W(t) − W(0)‖_F / ‖W(0)‖_F of the input layer (W_0, inputs → first hidden
   * layer), the hidden layers (W_1 … W_{depth−1} taken together; null at depth 1) and the output
   * layer (W_depth), and the same for their biases; null where the norm at step 0 is zero.
   */
  weight_change_input: number | null;
  weight_change_hidden: number | null;
  weight_change_output: number | null;
  bias_change_input: number | null;
  bias_change_hidden: number | null;
  bias_change_output: number | null;
  kernel_rel_err: number | null;
  kernel_drift: number | null;
  /** RMS over test points of f_NN − f_lin, absolute and relative to RMS f_NN. */
  pred_gap_analytic: number | null;
  pred_gap_linear: number | null;
  pred_gap_analytic_rel: number | null;
  pred_gap_linear_rel: number | null;
}

export type KernelKind = 'empirical' | 'analytic_ntk' | 'analytic_nngp';
/** train: Θ(X, X) (N × N); test: Θ(X*, X) (M × N); probe: Θ(probe, X) (P × N); probe_x0: Θ(x₀, probe) (1 × P), x₀ = probe point 0. */
export type KernelSplit = 'train' | 'test' | 'probe' | 'probe_x0';

/** kernels: one row per trial × snapshot step × split × row (empirical NTK only; analytic rows live in `analytic`). */
export interface KernelRow {
  trial_id: string;
  step: number; // int32
  kind: 'empirical';
  split: KernelSplit;
  row: number; // int32
  values: Float32Array; // list<float32>
}

/** analytic: one row per analytic config × kind × split × row, in float64. */
export interface AnalyticRow {
  analytic_id: string;
  kind: 'analytic_ntk' | 'analytic_nngp';
  split: KernelSplit;
  row: number; // int32
  values: Float64Array; // list<float64>
}

/** predictions: one row per trial × snapshot step × test point × output. */
export interface PredictionRow {
  trial_id: string;
  step: number; // int32
  point: number; // int32
  output: number; // int32
  y: number;
  f_nn: number;
  f_lin_analytic: number | null;
  f_lin_empirical: number | null;
  /** Mean and variance of the infinite-width ensemble (over initialisations) at this step. */
  f_ensemble_mean: number | null;
  f_ensemble_var: number | null;
}

/** spectra: one row per trial × snapshot × kernel kind × rank (top eigenvalues, descending). */
export interface SpectrumRow {
  trial_id: string;
  step: number; // int32
  kind: 'empirical' | 'analytic_ntk';
  rank: number; // int32, 0 = largest
  eigenvalue: number;
}

/** modes: one row per trial × logged step × rank: the training residual on the top eigenvectors of Θ_∞ beside its predicted decay (1 − ηλ_i/N)^t. */
export interface ModeRow {
  trial_id: string;
  step: number; // int32
  rank: number; // int32
  eigenvalue: number;
  residual: number;
  predicted: number;
}

/** Everything one trial writes (analytic rows are written once per analytic_id). */
export interface TrialTables {
  trials: TrialRow;
  curves: CurveRow[];
  kernels: KernelRow[];
  predictions: PredictionRow[];
  spectra: SpectrumRow[];
  modes: ModeRow[];
  analytic: AnalyticRow[];
}

/** Table names in the order they are written: `trials` last, as the completion marker. */
export const TRIAL_TABLES = ['curves', 'kernels', 'predictions', 'spectra', 'modes', 'trials'] as const;
export type TrialTableName = (typeof TRIAL_TABLES)[number];
