/**
 * Sizes that cannot fit, refused before anything starts: the largest trial of a sweep (every
 * size axis at its largest value) is estimated (src/config/estimate.ts) and refused when its peak
 * memory exceeds this host's budget, when its float32 tensors exceed the wasm backend's 4 GiB heap,
 * or when it could not finish within `trial_timeout` even at the fastest rate its backend reaches.
 * The problem is located at the field that makes it too large (its grid value when gridded).
 */
import { ConfigError, OverrideError } from '../errors.js';
import {
  estimateTrial,
  formatBytes,
  formatSeconds,
  MEMORY_BUDGET_ENV,
  memoryBudget,
  peakFlopsPerSecond,
  sizesOf,
  WASM_HEAP_BYTES,
  type TrialSizes,
} from './estimate.js';
import { valuePlace } from './expand.js';
import type { Assignment, LoadedConfig } from './loader.js';
import { formatPath, locate } from './locations.js';
import type { SweepConfig } from './types.js';

/** Grid fields a trial's size grows with, and the size each sets (`log_every` shrinks it). */
const SIZE_FIELDS: Record<string, keyof TrialSizes> = {
  'model.width': 'width',
  'model.depth': 'depth',
  'dataset.n_train': 'nTrain',
  'dataset.n_test': 'nTest',
  'train.steps': 'steps',
  'model.outputs': 'outputs',
  'dataset.dim': 'inputs',
  'train.log_every': 'logEvery',
};

/** How far `s` is over its tightest limit (above 1: it cannot run), and that limit in words. */
export function sizeExcess(s: TrialSizes, config: SweepConfig, budget: number): { ratio: number; why: string } {
  const e = estimateTrial(s);
  const what = `a trial of width ${s.width}, depth ${s.depth}, N = ${s.nTrain} (+${s.nTest} test, +${s.nProbe} probe), ${s.steps} steps and ${s.snapshots} snapshots`;
  const rate = peakFlopsPerSecond(config.execution.backend);
  const seconds = e.flops / rate;
  const limits = [
    {
      ratio: e.peakBytes / budget,
      why: `${what} needs about ${formatBytes(e.peakBytes)} at its peak (estimate); this host allows ${formatBytes(budget)} (the machine's memory, or ${MEMORY_BUDGET_ENV})`,
    },
    {
      ratio: config.execution.backend === 'wasm' ? e.backendBytes / WASM_HEAP_BYTES : 0,
      why: `${what} needs about ${formatBytes(e.backendBytes)} of tensors (estimate); the wasm backend holds at most ${formatBytes(WASM_HEAP_BYTES)}`,
    },
    {
      ratio: seconds / config.execution.trialTimeoutS,
      why: `${what} needs ${e.flops.toExponential(1)} floating-point operations: at least ${formatSeconds(seconds)} at ${rate.toExponential(0)}/s, and trial_timeout is ${formatSeconds(config.execution.trialTimeoutS)}`,
    },
  ];
  return limits.reduce((a, b) => (b.ratio > a.ratio ? b : a));
}

interface Largest {
  /** The sizes of the sweep's largest trial. */
  sizes: TrialSizes;
  /** Per size field, the value that would shrink that trial most (its axis's other end, else the smallest there is). */
  shrunk: Map<string, number>;
  /** Per gridded size field, the grid index of its value in the largest trial. */
  argmax: Map<string, number>;
}

/** The largest trial of a sweep: every size axis at its largest value (`log_every` at its smallest). */
export function largestTrial(config: SweepConfig): Largest {
  const sizes = sizesOf(config);
  const shrunk = new Map<string, number>();
  const argmax = new Map<string, number>();
  for (const [field, key] of Object.entries(SIZE_FIELDS)) {
    const gridAxis = config.grid.find((a) => a.path === field);
    const nums = gridAxis?.values.filter((v): v is number => typeof v === 'number') ?? [];
    const grows = key !== 'logEvery';
    if (gridAxis && nums.length > 0) {
      const pick = grows ? Math.max(...nums) : Math.min(...nums);
      sizes[key] = pick;
      argmax.set(field, gridAxis.values.indexOf(pick));
      shrunk.set(field, grows ? Math.min(...nums) : Math.max(...nums));
    } else {
      shrunk.set(field, grows ? (key === 'nTest' ? 0 : 1) : sizes.steps || 1);
    }
  }
  return { sizes, shrunk, argmax };
}

/**
 * Throws a {@link ConfigError} when the largest trial of `loaded` cannot run on this host.
 * Cheap: a handful of estimates, whatever the grid's size.
 */
export function checkTrialSizes(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): void {
  const { config } = loaded;
  const budget = memoryBudget(env);
  const { sizes, shrunk, argmax } = largestTrial(config);
  const { ratio, why } = sizeExcess(sizes, config, budget);
  if (ratio <= 1) return;
  // Blame the field whose other end shrinks the trial most.
  const after = (f: string): number => sizeExcess({ ...sizes, [SIZE_FIELDS[f]]: shrunk.get(f)! }, config, budget).ratio;
  const blamed = Object.keys(SIZE_FIELDS).reduce((a, b) => (after(b) < after(a) ? b : a));
  const axis = config.grid.find((a) => a.path === blamed);
  const at = axis ? valuePlace(loaded, axis, argmax.get(blamed) ?? 0) : blamed.split('.');
  throw new ConfigError([
    {
      file: loaded.file,
      ...locate(loaded.parsed, at),
      path: axis ? formatPath(at.slice(0, 2)) : blamed,
      message: `too large to run: ${why}`,
    },
  ]);
}

/**
 * What `validate` says of the embedded run's executors: how many, and how many of the largest
 * trial the memory budget admits at once (executors/pool.ts admits by the same estimate).
 */
export function executorsLine(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): string {
  const n = loaded.config.execution.maxParallel;
  const budget = memoryBudget(env);
  const peak = estimateTrial(largestTrial(loaded.config).sizes).peakBytes;
  const fit = Math.max(1, Math.min(n, Math.floor(budget / peak)));
  return (
    `executors: ${n} worker thread${n === 1 ? '' : 's'} with a compute backend each (execution.max_parallel; run --executors N to change, 0 for none); ` +
    `memory budget ${formatBytes(budget)} admits ${fit} of the largest trial (about ${formatBytes(peak)} at its peak, estimate) at once`
  );
}

/**
 * {@link checkTrialSizes} for one trial resolved with command-line values (`trial --width 1e9`):
 * throws an {@link OverrideError} naming the flag of the first size field it sets, else the config.
 */
export function checkOverrideSizes(
  loaded: LoadedConfig,
  config: SweepConfig,
  assignments: readonly Assignment[],
  env: NodeJS.ProcessEnv = process.env,
): void {
  const { ratio, why } = sizeExcess(sizesOf(config), config, memoryBudget(env));
  if (ratio <= 1) return;
  const flag = assignments.find((a) => a.origin && a.path in SIZE_FIELDS);
  throw new OverrideError([`${flag?.origin ?? loaded.file}: too large to run: ${why}`]);
}
