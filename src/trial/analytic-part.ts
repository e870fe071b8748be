/**
 * The infinite-width side of a trial, computed once in float64 (docs/design.md §3, §4): the NNGP K and
 * NTK Θ_∞ on every split, the eigendecomposition of Θ_∞(X, X) that the predictions, residual modes,
 * spectra and η_crit = 2N/λ_max (Lee et al. 2019, arXiv:1902.06720) all share, and K(X*, X*) for the
 * ensemble variance.
 */
import type { Dataset } from '../data/dataset.js';
import type { Mat } from '../linalg/mat.js';
import type { MlpSpec } from '../model/spec.js';
import { analyticKernels } from '../ntk/analytic.js';
import { criticalLearningRate } from '../predict/critical-lr.js';
import { eigh, type SymmetricEigen } from '../predict/eigh.js';
import type { AnalyticRow } from '../tables/rows.js';
import { analyticKernelRows, splitKernels, type SplitKernels } from './kernel-splits.js';

export interface AnalyticPart {
  ntk: SplitKernels;
  nngp: SplitKernels;
  /** K(X*, X*), M × M (only when asked for: the ensemble's variance needs it). */
  nngpTestTest?: Mat;
  /** Θ_∞(X, X) = V Λ Vᵀ, eigenvalues descending. */
  eigen: SymmetricEigen;
  etaCrit: number;
}

export async function computeAnalyticPart(
  spec: MlpSpec,
  data: Dataset,
  opts: { testTest: boolean },
): Promise<AnalyticPart> {
  // One recursion per split gives K and Θ together; split them into the two kernel sets.
  const both = new Map<Mat, { nngp: Mat; ntk: Mat }>();
  const ntk = await splitKernels(data, (x1, x2) => {
    const k = analyticKernels(spec, x1, x2);
    both.set(k.ntk, k);
    return k.ntk;
  });
  const nngpOf = (m: Mat | undefined): Mat | undefined => (m ? both.get(m)!.nngp : undefined);
  const nngp: SplitKernels = { train: nngpOf(ntk.train)! };
  for (const split of ['test', 'probe', 'probe_x0'] as const) {
    const k = nngpOf(ntk[split]);
    if (k) nngp[split] = k;
  }
  const eigen = eigh(ntk.train);
  const part: AnalyticPart = { ntk, nngp, eigen, etaCrit: criticalLearningRate(ntk.train, eigen) };
  if (opts.testTest && data.xTest.rows > 0) part.nngpTestTest = analyticKernels(spec, data.xTest).nngp;
  return part;
}

/** The rows of the `analytic` table: NTK then NNGP, each split in order. */
export function analyticRows(analyticId: string, part: AnalyticPart): AnalyticRow[] {
  return [
    ...analyticKernelRows(analyticId, 'analytic_ntk', part.ntk),
    ...analyticKernelRows(analyticId, 'analytic_nngp', part.nngp),
  ];
}
