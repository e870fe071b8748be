/**
 * The critical learning rate of gradient descent on L = 1/(2N)‖f − y‖² in the linearised
 * (infinite-width) regime: the residual's component along the top eigenvector of Θ_∞ is
 * multiplied by 1 − ηλ_max/N per step, which stays in (−1, 1) iff η < η_crit = 2N/λ_max
 * (Lee et al. 2019, arXiv:1902.06720, §2.4; Lewkowycz et al. 2020, arXiv:2003.02218, who show a
 * finite network above η_crit either catapults into a flatter region or diverges).
 */
import type { Mat } from '../linalg/mat.js';
import { checkSquare } from './dense.js';
import { eigh, type SymmetricEigen } from './eigh.js';

/**
 * η_crit = 2N/λ_max(Θ) for the N × N training kernel Θ (usually Θ_∞). Infinity when λ_max ≤ 0.
 * `eigen` may pass a decomposition of thetaTrain already computed.
 *
 * @example
 * const etaCrit = criticalLearningRate(analyticKernels(spec, data.xTrain).ntk);
 */
export function criticalLearningRate(thetaTrain: Mat, eigen?: SymmetricEigen): number {
  checkSquare(thetaTrain, 'thetaTrain');
  const n = thetaTrain.rows;
  if (n === 0) throw new RangeError('criticalLearningRate: the kernel is empty');
  const lambdaMax = (eigen ?? eigh(thetaTrain)).values[0];
  return lambdaMax > 0 ? (2 * n) / lambdaMax : Infinity;
}

/** Why a trial's learning rate is flagged. */
export type LearningRateFlag = 'above_critical';

/**
 * 'above_critical' when lr > etaCrit (the catapult / divergence regime, outside the linearised
 * theory), undefined otherwise.
 */
export function learningRateFlag(lr: number, etaCrit: number): LearningRateFlag | undefined {
  return lr > etaCrit ? 'above_critical' : undefined;
}
