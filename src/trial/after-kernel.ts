/**
 * Kernel ridge regression with a network's own empirical NTK: at initialisation (the
 * initial-kernel regression, the lazy limit) or at the end of training (the after-kernel, Long
 * 2021, arXiv:2105.10585). Comparing the after-kernel's test loss with the trained network's and
 * the initial kernel's shows where training changed the features (narrow networks) and where it
 * left them alone (wide, lazy networks).
 */
import type { Dataset } from '../data/dataset.js';
import type { Mat } from '../linalg/mat.js';
import { mseLoss } from '../metrics/losses.js';
import type { MlpParams } from '../model/params.js';
import { empiricalNtk } from '../ntk/empirical.js';
import { kernelRegression } from '../predict/kernel-regression.js';

export interface EmpiricalKernelRegression {
  /** Θ̂(x*, X)(zI + Θ̂)⁻¹ y on the test inputs, M × k. */
  test: Mat;
  /** 1/(2M) Σ‖f(x*) − y*‖², the same loss as training's. */
  testLoss: number;
}

/**
 * Ridge regression of data.yTrain with the empirical NTK of `params` (float32 kernel widened to
 * float64). Pass θ_T for the after-kernel, θ₀ for the initial kernel.
 *
 * @example
 * const after = await empiricalKernelRegression(result.params, data, { ridge: 1e-4 });
 */
export async function empiricalKernelRegression(
  params: MlpParams,
  data: Dataset,
  opts: { ridge?: number } = {},
): Promise<EmpiricalKernelRegression> {
  const kTrain = await empiricalNtk(params, data.xTrain);
  const kTestTrain = await empiricalNtk(params, data.xTest, data.xTrain);
  const test = kernelRegression(kTrain, kTestTrain, data.yTrain, { ridge: opts.ridge ?? 0 });
  return { test, testLoss: mseLoss(test, data.yTest) };
}
