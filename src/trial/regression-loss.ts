/**
 * Test loss of kernel regression f(x*) = Θ(x*, X)(zI + Θ)⁻¹y (docs/design.md §4), as the trials row
 * records it for the initial kernel Θ̂₀, the after-kernel Θ̂_T (Long 2021, arXiv:2105.10585) and
 * Θ_∞. Kernels on data lying on a low-dimensional set (the circle) are numerically singular in
 * float32, so the ridge starts at 0 and grows through a fixed ladder of jitters relative to the
 * mean diagonal (as GP libraries do for Cholesky) until the factorisation succeeds.
 */
import type { Mat } from '../linalg/mat.js';
import { mseLoss } from '../metrics/losses.js';
import { kernelRegression } from '../predict/kernel-regression.js';
import { allFinite } from './kernel-splits.js';

/** Ridges tried, times the mean diagonal of the training kernel. */
export const RIDGE_LADDER = [0, 1e-10, 1e-8, 1e-6, 1e-4] as const;

/** 1/(2M) Σ‖f(x*) − y*‖², or null when the kernels are not finite or no ridge of the ladder factors. */
export function regressionTestLoss(kTrain: Mat, kTestTrain: Mat, yTrain: Mat, yTest: Mat): number | null {
  if (yTest.rows === 0 || !allFinite(kTrain) || !allFinite(kTestTrain)) return null;
  let trace = 0;
  for (let i = 0; i < kTrain.rows; i++) trace += kTrain.data[i * kTrain.cols + i];
  const scale = trace / kTrain.rows;
  for (const rel of RIDGE_LADDER) {
    try {
      const f = kernelRegression(kTrain, kTestTrain, yTrain, { ridge: rel * scale });
      return mseLoss(f, yTest);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
    }
  }
  return null;
}
