/**
 * The resolved sweep configuration (docs/design.md §6) as the core sees it: camelCase, every default
 * filled in, every value checked. The YAML spelling of each field is its snake_case form
 * (`n_train` ↔ `nTrain`). Produced by `loadConfig` (src/config/loader.ts).
 */
import type { BackendName } from '../backend/select.js';
import type { ActivationName, Parameterization } from '../model/spec.js';

/** Targets computed from the inputs x (any data set) or read from CSV columns. */
export type TargetConfig =
  /** y_j = sin(freq·γ + πj/k) with γ = atan2(x₂, x₁): one output is sin(freq·γ), two are sin and cos. */
  | { kind: 'sin'; freq: number }
  /**
   * A random ReLU network in NTK parameterization (σ_w² = 2, σ_b = 0.1) of the given width and
   * depth, drawn from `seed` (default: the data seed), with as many outputs as the model.
   */
  | { kind: 'teacher'; width: number; depth: number; seed: number }
  /** y_j = x · w_j with w_j ~ N(0, I/n0) drawn from `seed` (default: the data seed). */
  | { kind: 'linear'; seed: number }
  /** y = x₁ · x₂ (Jacot et al. 2018, arXiv:1806.07572); one output. */
  | { kind: 'product' }
  /** CSV columns, one per model output. YAML: `column: y` or `column: [y1, y2]`. */
  | { kind: 'column'; columns: string[] };

interface DatasetCommon {
  /** Training points N. */
  nTrain: number;
  /** Test points M. */
  nTest: number;
  /** Seed of the inputs (and of seeded targets); independent of the weight seed. */
  seed: number;
  target: TargetConfig;
}

export type DatasetConfig =
  /** x = (cos γ, sin γ), γ uniform on [0, 2π). */
  | (DatasetCommon & { kind: 'circle' })
  /** Uniform on the unit sphere S^{dim−1}. */
  | (DatasetCommon & { kind: 'sphere'; dim: number })
  /** x ~ N(0, scale² I_dim). */
  | (DatasetCommon & { kind: 'gaussian'; dim: number; scale: number })
  /**
   * Rows of a CSV file with a header: the first nTrain rows train, the next nTest test.
   * `path` is relative to the config file's folder; `features` default to every column that is
   * not a target column.
   */
  | (DatasetCommon & {
      kind: 'csv';
      path: string;
      features?: string[];
      /** Hex SHA-256 of the file, filled in by the loader: the trial id hashes the content, not the path. */
      fileSha256?: string;
    });

export interface ModelConfig {
  width: number;
  depth: number;
  activation: ActivationName;
  parameterization: Parameterization;
  /** σ_w (not squared). */
  wStd: number;
  /** σ_b (not squared). */
  bStd: number;
  outputs: number;
}

export interface TrainConfig {
  /** Learning rate η of full-batch gradient descent. */
  lr: number;
  steps: number;
  logEvery: number;
}

export interface ProbeConfig {
  /** Evenly spaced points on the unit circle (circleGrid). */
  kind: 'circle';
  n: number;
}

export interface NtkConfig {
  /** Steps with an empirical-kernel snapshot, ascending; default [0, train.steps]. */
  snapshots: number[];
  /** Compute the analytic (infinite-width) kernels. */
  analytic: boolean;
  /** Compute the analytic predictions of training (docs/design.md §4). */
  predictions: boolean;
  probe?: ProbeConfig;
}

export interface ExecutionConfig {
  backend: BackendName;
  maxParallel: number;
  retries: number;
  /** Wall-clock limit of one trial, seconds (YAML: `trial_timeout: 30m`, `90s`, `2h` or seconds). */
  trialTimeoutS: number;
}

/** A value a grid axis takes. */
export type GridValue = number | string | boolean;

export interface GridAxis {
  /** The axis as written in the YAML (`width`, `model.activation`). */
  name: string;
  /** The field it sets, canonical dotted snake_case path (`model.width`, `train.lr`, `seed`). */
  path: string;
  /** Its values in order (ranges expanded). */
  values: GridValue[];
}

export interface SweepConfig {
  /** `[a-z0-9-]+`: the run folder and the sweep id. */
  name: string;
  /** Seed of the initial weights. */
  seed: number;
  dataset: DatasetConfig;
  model: ModelConfig;
  /** The axes in the order written; empty when nothing is swept. */
  grid: GridAxis[];
  train: TrainConfig;
  ntk: NtkConfig;
  execution: ExecutionConfig;
  /** Run folder as written (default `runs/<name>`). */
  output: string;
}
