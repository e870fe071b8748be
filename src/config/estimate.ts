/**
 * How much memory and time one trial needs, from its sizes alone (width, depth, the number of
 * points N, snapshots, steps): the one estimate behind the executor pool's admission
 * (executors/pool.ts) and the up-front refusal of sizes that cannot fit
 * (./size-limits.ts). Deliberately generous on memory (a trial admitted must fit) and optimistic on
 * time (a trial refused for time could not have finished even on a fast machine).
 *
 * The model, per term (bytes):
 * - parameters P: float32 tensors (weights, gradients, the update's temporaries: 4 copies) on the
 *   backend, float64 copies on the host (θ₀, θ_t at a logged step, a checkpoint being encoded: 3);
 * - activations of full-batch training: pre- and post-activation, sensitivity and the backward
 *   pass's temporaries of every hidden layer, 6 × N × width × depth float32;
 * - empirical-kernel features: one row block and one column block of per-layer features, capped
 *   at the block budget of src/ntk/empirical.ts;
 * - kernels: float64 matrices over all points (train, test, probe: analytic NTK and NNGP, the
 *   eigendecomposition, the empirical Θ̂₀ and Θ̂_t, predictions) — 16 × (N_all)² × 8;
 * - snapshot rows kept until the tables are written: every snapshot's float32 kernel rows, and
 *   their copies in Arrow and Parquet when written (× 3).
 * Calibration against measured peaks: docs/sweep-config.md ("Sizes that cannot fit").
 */
import { totalmem } from 'node:os';
import { DEFAULT_BLOCK_BYTES } from '../ntk/empirical.js';
import type { SweepConfig } from '../config/types.js';
import { OverrideError } from '../errors.js';

/** The sizes an estimate depends on. */
export interface TrialSizes {
  width: number;
  depth: number;
  /** Input dimension (features). */
  inputs: number;
  outputs: number;
  nTrain: number;
  nTest: number;
  /** Probe points (0 without a probe). */
  nProbe: number;
  steps: number;
  logEvery: number;
  /** Empirical-kernel snapshots (the final step always gets train/test kernels too). */
  snapshots: number;
}

export interface TrialEstimate {
  /** Trainable parameters. */
  parameters: number;
  /** Peak bytes on the compute backend (float32 tensors). */
  backendBytes: number;
  /** Peak bytes of the process on the host (backend memory on a CPU backend included). */
  peakBytes: number;
  /** Floating-point operations of the whole trial (training, metrics, snapshots, analytic kernels). */
  flops: number;
}

/** Bytes of float32 / float64. */
const F32 = 4;
const F64 = 8;
/** What a trial's process holds before it computes anything (runtime, backend, modules). */
export const BASE_BYTES = 256 * 2 ** 20;

/** The sizes of a resolved config. A CSV data set counts its named features (1 when they are not named). */
export function sizesOf(config: SweepConfig): TrialSizes {
  const d = config.dataset;
  const inputs = d.kind === 'circle' ? 2 : d.kind === 'csv' ? Math.max(1, d.features?.length ?? 1) : d.dim;
  const snapshots = config.ntk.snapshots.filter((s) => s <= config.train.steps);
  return {
    width: config.model.width,
    depth: config.model.depth,
    inputs,
    outputs: config.model.outputs,
    nTrain: d.nTrain,
    nTest: d.nTest,
    nProbe: config.ntk.probe?.n ?? 0,
    steps: config.train.steps,
    logEvery: config.train.logEvery,
    snapshots: snapshots.length + (snapshots.includes(config.train.steps) ? 0 : 1),
  };
}

/** Parameters of an MLP: inputs → depth × width → outputs, with biases. */
export function parameterCount(s: Pick<TrialSizes, 'width' | 'depth' | 'inputs' | 'outputs'>): number {
  return (s.inputs + 1) * s.width + (s.depth - 1) * (s.width + 1) * s.width + (s.width + 1) * s.outputs;
}

/** The estimate for `s` (see the module comment for the model). */
export function estimateTrial(s: TrialSizes): TrialEstimate {
  const P = parameterCount(s);
  const nAll = s.nTrain + s.nTest + s.nProbe;
  const hidden = s.width * s.depth;
  const paramTensors = 4 * P * F32;
  const activations = 6 * s.nTrain * hidden * F32;
  const featuresPerRow = (s.inputs + hidden + hidden * s.outputs) * F32;
  const blockFeatures = 2 * Math.min(DEFAULT_BLOCK_BYTES, nAll * featuresPerRow);
  const backendBytes = paramTensors + activations + blockFeatures;
  const hostParams = 3 * P * F64;
  const kernels = 16 * nAll * nAll * F64;
  const snapshotRows = 3 * s.snapshots * nAll * nAll * F32;
  const peakBytes = BASE_BYTES + backendBytes + hostParams + kernels + snapshotRows;

  const logged = Math.ceil(s.steps / s.logEvery) + 1;
  const train = 6 * s.steps * s.nTrain * P;
  const metrics = 2 * logged * nAll * P;
  // Structured empirical NTK: features (a forward and a backward pass per output), then per layer
  // an N_all × N_all product over its width.
  const perSnapshot = 4 * nAll * P * s.outputs + 2 * nAll * nAll * (s.inputs + 2 * hidden);
  const analytic = 10 * nAll ** 3 + 2 * nAll * nAll * s.depth * 100;
  const flops = train + metrics + s.snapshots * perSnapshot + analytic;
  return { parameters: P, backendBytes, peakBytes, flops };
}

/**
 * Floating-point operations per second no backend of the kind beats (optimistic on purpose: a
 * trial refused for time could not finish even at this rate). One wasm or cpu executor is one
 * thread (measured ~5·10⁹/s on this project's GD step, docs/benchmarks.md); GPUs reach ~10¹⁴.
 */
export function peakFlopsPerSecond(backend: string): number {
  return backend === 'wasm' || backend === 'cpu' ? 1e11 : 1e14;
}

/** The largest heap of TensorFlow.js's wasm backend (32-bit WebAssembly memory). */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;

/** `12.3 GiB`, `456 MiB`. */
export function formatBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  let v = b;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toPrecision(3)} ${units[i]}`;
}

/** `45 s`, `3.2 h`, `2.1e+03 years`. */
export function formatSeconds(s: number): string {
  if (s < 120) return `${s.toPrecision(2)} s`;
  if (s < 7200) return `${(s / 60).toPrecision(2)} min`;
  if (s < 2 * 86400 * 365) return `${(s / 3600).toPrecision(2)} h`;
  return `${(s / (86400 * 365)).toPrecision(2)} years`;
}

/** Environment variable: the memory trials may use at once on this host (`8GiB`, `512MiB`, bytes). */
export const MEMORY_BUDGET_ENV = 'NTK_MEMORY_BUDGET';

const UNIT: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kb: 1e3,
  kib: 2 ** 10,
  m: 2 ** 20,
  mb: 1e6,
  mib: 2 ** 20,
  g: 2 ** 30,
  gb: 1e9,
  gib: 2 ** 30,
  t: 2 ** 40,
  tb: 1e12,
  tib: 2 ** 40,
};

/** `8GiB` → 8589934592; undefined when `text` is not a positive size. */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNIT[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) return undefined;
  const v = Number(m[1]) * unit;
  return v > 0 && Number.isFinite(v) ? Math.floor(v) : undefined;
}

/**
 * The memory trials may use at once on this host: {@link MEMORY_BUDGET_ENV} when set, else the
 * machine's memory. Throws an OverrideError (a user error) naming the variable when it is not a size.
 */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env, totalBytes = totalmem()): number {
  const text = env[MEMORY_BUDGET_ENV];
  if (text === undefined || text.trim() === '') return totalBytes;
  const v = parseBytes(text);
  if (v === undefined)
    throw new OverrideError([`${MEMORY_BUDGET_ENV}: expected a size such as 8GiB or 512MiB, found '${text}'`]);
  return v;
}
