/**
 * The point sets a trial's kernels are evaluated on (docs/design.md §6, §7) and the kernel rows they give:
 * `train` Θ(X, X) (N × N), `test` Θ(X*, X) (M × N), `probe` Θ(probe, X) (P × N) and `probe_x0`
 * Θ(x₀, probe) (1 × P) with x₀ the first probe point (angle 0 on the circle grid), for plots of
 * the kernel against the input as in Jacot et al. 2018 (arXiv:1806.07572), Figure 1.
 */
import type { Dataset } from '../data/dataset.js';
import { sliceRows, type Mat } from '../linalg/mat.js';
import type { AnalyticRow, KernelRow, KernelSplit } from '../tables/rows.js';

/** One kernel per split; test is absent without test points, the probe splits without a probe set. */
export interface SplitKernels {
  train: Mat;
  test?: Mat;
  probe?: Mat;
  probe_x0?: Mat;
}

/** The splits in the order their rows are written. */
export const SPLIT_ORDER: readonly KernelSplit[] = ['train', 'test', 'probe', 'probe_x0'];

/**
 * Evaluates `kernel(x1, x2)` (x2 absent: the symmetric Θ(x1, x1)) on every split of the data set.
 * Works for the empirical (async, float32 compute) and the analytic (float64) kernels alike.
 */
export async function splitKernels(
  data: Dataset,
  kernel: (x1: Mat, x2?: Mat) => Mat | Promise<Mat>,
): Promise<SplitKernels> {
  const out: SplitKernels = { train: await kernel(data.xTrain) };
  if (data.xTest.rows > 0) out.test = await kernel(data.xTest, data.xTrain);
  if (data.probe && data.probe.rows > 0) {
    out.probe = await kernel(data.probe, data.xTrain);
    out.probe_x0 = await kernel(sliceRows(data.probe, 0, 1), data.probe);
  }
  return out;
}

/** Empirical kernel rows (values narrowed to float32, as stored) of one snapshot step. */
export function empiricalKernelRows(trialId: string, step: number, kernels: SplitKernels): KernelRow[] {
  const rows: KernelRow[] = [];
  for (const split of SPLIT_ORDER) {
    const k = kernels[split];
    if (!k) continue;
    for (let r = 0; r < k.rows; r++) {
      rows.push({
        trial_id: trialId,
        step,
        kind: 'empirical',
        split,
        row: r,
        values: Float32Array.from(k.data.subarray(r * k.cols, (r + 1) * k.cols)),
      });
    }
  }
  return rows;
}

/** Analytic kernel rows (float64) of one kind. */
export function analyticKernelRows(
  analyticId: string,
  kind: AnalyticRow['kind'],
  kernels: SplitKernels,
): AnalyticRow[] {
  const rows: AnalyticRow[] = [];
  for (const split of SPLIT_ORDER) {
    const k = kernels[split];
    if (!k) continue;
    for (let r = 0; r < k.rows; r++) {
      rows.push({ analytic_id: analyticId, kind, split, row: r, values: k.data.slice(r * k.cols, (r + 1) * k.cols) });
    }
  }
  return rows;
}

/** True when every entry is finite (a kernel of overflowing weights is not). */
export function allFinite(m: Mat): boolean {
  for (const v of m.data) if (!Number.isFinite(v)) return false;
  return true;
}
