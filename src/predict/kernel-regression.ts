/**
 * Kernel regression views of a trained network, for the test set (docs/design.md §4), all float64 with
 * ml-matrix's Cholesky factorisation:
 *
 * - the t → ∞ limit of gradient descent: f*(x*) = f₀(x*) + Θ(x*, X)(zI + Θ)⁻¹(y − f₀(X)) (Jacot
 *   et al. 2018, arXiv:1806.07572; Lee et al. 2019, arXiv:1902.06720, eq. 11), with optional ridge z;
 * - the NNGP posterior mean K(x*, X)(K + σ²I)⁻¹y and covariance K(x*, x*) − K(x*, X)(K + σ²I)⁻¹K(X, x*)
 *   (exact Bayesian inference with the NNGP prior: Lee et al. 2018, arXiv:1711.00165, eqs. 7–8);
 * - the initial- and after-kernel regressions: ridge regression with the empirical NTK of the
 *   network at initialisation or at the end of training (Long 2021, arXiv:2105.10585), see
 *   src/trial/after-kernel.ts.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { Mat } from '../linalg/mat.js';
import { checkShape, checkSquare, fromMatrix, toMatrix } from './dense.js';

/** Cholesky factors of K + zI; throws a RangeError advising a ridge when it is not positive definite. */
function factor(kTrain: Mat, ridge: number, what: string): CholeskyDecomposition {
  checkSquare(kTrain, what);
  if (!(ridge >= 0) || !Number.isFinite(ridge)) throw new RangeError(`ridge must be a finite number ≥ 0, got ${ridge}`);
  const n = kTrain.rows;
  const a = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) a.set(i, j, 0.5 * (kTrain.data[i * n + j] + kTrain.data[j * n + i]));
    a.set(i, i, a.get(i, i) + ridge);
  }
  const chol = new CholeskyDecomposition(a);
  if (!chol.isPositiveDefinite()) {
    throw new RangeError(
      `${what}${ridge > 0 ? ` + ${ridge}·I` : ''} is not numerically positive definite; use a (larger) ridge`,
    );
  }
  return chol;
}

export interface KernelRegressionOptions {
  /** z ≥ 0 added to the diagonal of the training kernel (default 0). */
  ridge?: number;
  /** f₀(X) (N × k): regress the residual y − f₀ and add f₀(x*) back, as gradient descent does. */
  fTrain0?: Mat;
  /** f₀(x*) (M × k), given with fTrain0. */
  fTest0?: Mat;
}

/**
 * f(x*) = f₀(x*) + K(x*, X)(zI + K(X, X))⁻¹(y − f₀(X)); f₀ = 0 unless given. With K = Θ and
 * f₀ the network's initial function this is where gradient descent ends (t → ∞).
 *
 * @example
 * const fInf = kernelRegression(thetaInf, thetaTestTrain, data.yTrain, { ridge: 1e-6 });
 */
export function kernelRegression(kTrain: Mat, kTestTrain: Mat, yTrain: Mat, opts: KernelRegressionOptions = {}): Mat {
  const n = kTrain.rows;
  const k = yTrain.cols;
  checkShape(yTrain, n, k, 'yTrain');
  checkShape(kTestTrain, kTestTrain.rows, n, 'kTestTrain');
  if ((opts.fTrain0 === undefined) !== (opts.fTest0 === undefined)) {
    throw new RangeError('kernelRegression: give both fTrain0 and fTest0, or neither');
  }
  const chol = factor(kTrain, opts.ridge ?? 0, 'the training kernel');
  let rhs = toMatrix(yTrain);
  if (opts.fTrain0) {
    checkShape(opts.fTrain0, n, k, 'fTrain0');
    rhs = rhs.sub(toMatrix(opts.fTrain0));
  }
  let out = toMatrix(kTestTrain).mmul(chol.solve(rhs));
  if (opts.fTest0) {
    checkShape(opts.fTest0, kTestTrain.rows, k, 'fTest0');
    out = out.add(toMatrix(opts.fTest0));
  }
  return fromMatrix(out);
}

export interface GpPosterior {
  /** M × k posterior mean. */
  mean: Mat;
  /** M × M posterior covariance (shared by the k outputs). */
  cov: Mat;
  /** Its diagonal. */
  variance: Float64Array;
}

/**
 * The posterior of the NNGP prior f ~ GP(0, K) given y observed with noise variance σ² (default 0):
 * mean K*X(K + σ²I)⁻¹y, covariance K** − K*X(K + σ²I)⁻¹K_X*.
 */
export function nngpPosterior(
  kTrain: Mat,
  kTestTrain: Mat,
  kTestTest: Mat,
  yTrain: Mat,
  opts: { noise?: number } = {},
): GpPosterior {
  const n = kTrain.rows;
  const m = kTestTrain.rows;
  checkShape(yTrain, n, yTrain.cols, 'yTrain');
  checkShape(kTestTrain, m, n, 'kTestTrain');
  checkShape(kTestTest, m, m, 'kTestTest');
  const chol = factor(kTrain, opts.noise ?? 0, 'the NNGP training kernel');
  const ktx = toMatrix(kTestTrain);
  const mean = fromMatrix(ktx.mmul(chol.solve(toMatrix(yTrain))));
  const cov = fromMatrix(toMatrix(kTestTest).sub(ktx.mmul(chol.solve(ktx.transpose()))));
  const variance = Float64Array.from({ length: m }, (_, i) => cov.data[i * m + i]);
  return { mean, cov, variance };
}
