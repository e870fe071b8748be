/**
 * The shapes shared by the trial runner (./run-trial.ts), its checkpoints (./checkpoint-store.ts)
 * and its caller (./execute-trial.ts). No runtime imports: the activity layer may import it freely.
 */
import type { BackendName } from '../backend/select.js';
import type { CurveRow, KernelRow, ModeRow, PredictionRow, SpectrumRow } from '../tables/rows.js';

/** The per-step rows a trial has produced so far (everything but `trials` and `analytic`). */
export interface TrialRowsSoFar {
  curves: CurveRow[];
  kernels: KernelRow[];
  predictions: PredictionRow[];
  spectra: SpectrumRow[];
  modes: ModeRow[];
}

/**
 * What resuming a trial needs (docs/design.md §8): θ at `step` and every row of the steps before it.
 * Training is deterministic given θ_step (full-batch gradient descent, no random state), and θ₀,
 * the data and the analytic kernels are functions of the config, so they are recomputed rather
 * than stored. A run resumed from here produces exactly the rows of the uninterrupted run.
 */
export interface TrialCheckpoint {
  trialId: string;
  /** Training resumes at this step; the rows hold every step < step. */
  step: number;
  /** θ_step, layer by layer, as MlpParams holds them (float32). */
  weights: Float32Array[];
  biases: Float32Array[];
  rows: TrialRowsSoFar;
  /** When the first attempt started (the trials row's `started_at`). */
  startedAt: Date;
  /** Seconds of trial time spent before this checkpoint, over all earlier attempts. */
  wallS: number;
  /** The attempt that wrote it (1-based). */
  attempt: number;
}

/** Seconds spent in each part of a trial (for benchmarks and progress reports). */
export interface TrialTimings {
  /** Building the data set, θ₀ and f₀. */
  setup: number;
  /** The gradient-descent loop itself (time inside train() minus the callbacks below). */
  train: number;
  /** Per-logged-step metrics: forward passes, weight change, residual modes, predicted losses. */
  metrics: number;
  /** Empirical NTK snapshots (all splits), their spectra and metrics, and Θ̂_T at the end. */
  snapshots: number;
  /** Analytic NNGP/NTK of every split, their eigendecomposition and η_crit. */
  analytic: number;
  /** Linearised predictors (Θ_∞, Θ̂₀), the ensemble, and the three kernel regressions. */
  predictions: number;
  /** Handing checkpoints to onCheckpoint (writing them, for the store). */
  checkpoints: number;
}

export interface ComputeTrialOptions {
  /** Folder that relative data paths start from (the config file's folder). */
  configDir: string;
  sweepId: string;
  trialId: string;
  /** Shared by every trial whose analytic kernels are the same (null when ntk.analytic is off). */
  analyticId: string | null;
  /** The canonical resolved parameters as JSON (the `params_json` column); default canonicalParams(config). */
  paramsJson?: string;
  /** 1-based attempt number recorded in the trials row; default: resume's attempt + 1, else 1. */
  attempt?: number;
  /** Default: the config's execution.backend. */
  backend?: BackendName;
  /** Continue from this checkpoint (see {@link TrialCheckpoint}). */
  resume?: TrialCheckpoint;
  /** Hand a checkpoint to onCheckpoint about every this many steps (rounded up to a multiple of log_every). */
  checkpointEvery?: number;
  onCheckpoint?: (ckpt: TrialCheckpoint) => Promise<void> | void;
  /** Called after every logged step (cheap: suitable for heartbeats). */
  onProgress?: (stepsDone: number, stepsTotal: number) => Promise<void> | void;
  /** Filled in with where the time went. */
  timings?: TrialTimings;
}
