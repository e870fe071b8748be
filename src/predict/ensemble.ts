/**
 * The infinite-width ensemble: the distribution of f_t(x*) over random initialisations of an
 * infinitely wide network trained by gradient descent (Lee et al. 2019, arXiv:1902.06720, eq. 16;
 * neural-tangents' `predict.gradient_descent_mse_ensemble`). At infinite width f₀ is a centred
 * Gaussian process with the NNGP kernel K and the dynamics are linear with the deterministic NTK
 * Θ, so f_t(x*) = f₀(x*) + M_t (y − f₀(X)) with M_t = Θ(x*, X) Θ⁻¹ (I − (I − ηΘ/N)^t) is Gaussian:
 *
 *     mean_t = M_t y
 *     cov_t  = K(x*, x*) − M_t K(X, x*) − K(x*, X) M_tᵀ + M_t K(X, X) M_tᵀ
 *
 * the discrete-time version of eq. 16 ((I − ηΘ/N)^t in place of e^{−ηΘt/N}; `time: 'continuous'`
 * gives eq. 16 itself). `mode: 'nngp'` drives the dynamics with K instead of Θ (training only the
 * readout layer; then cov_t reduces to K** − K*X K⁻¹(I − (I − ηK/N)^{2t}) K_X*).
 */
import { Matrix } from 'ml-matrix';
import type { Mat } from '../linalg/mat.js';
import { checkShape, checkSquare, fromMatrix, toMatrix } from './dense.js';
import { checkStep, gainFactor, type TimeMode } from './decay.js';
import { eigh, type SymmetricEigen } from './eigh.js';

export interface EnsembleInput {
  /** Θ_∞(X, X) (N × N) and Θ_∞(x*, X) (M × N). */
  ntk: { train: Mat; testTrain: Mat };
  /** K(X, X), K(x*, X) and, for the covariance, K(x*, x*) (M × M). */
  nngp: { train: Mat; testTrain: Mat; testTest?: Mat };
  /** N × k targets. */
  yTrain: Mat;
  lr: number;
  /** `ntk` (default): gradient descent on all layers; `nngp`: on the readout layer only. */
  mode?: 'ntk' | 'nngp';
  time?: TimeMode;
  /** Also return the M × M covariance (needs nngp.testTest). */
  computeCov?: boolean;
  /** A decomposition of the dynamics kernel (Θ for mode ntk, K for nngp) already at hand. */
  eigen?: SymmetricEigen;
}

export interface EnsemblePrediction {
  steps: number[];
  /** M × k ensemble means, one per step. */
  mean: Mat[];
  /** M × M covariances (shared by the k outputs), one per step, when asked for. */
  cov?: Mat[];
  /** Their diagonals: the predictive variance at each test point. */
  variance?: Float64Array[];
}

/**
 * Mean (and covariance) of the infinite-width ensemble on the test points at each of `steps`.
 *
 * @example
 * const { mean, variance } = ensemblePrediction(
 *   { ntk, nngp, yTrain, lr: 1, computeCov: true }, [0, 100, Infinity]);
 */
export function ensemblePrediction(input: EnsembleInput, steps: readonly number[]): EnsemblePrediction {
  const mode = input.mode ?? 'ntk';
  const time = input.time ?? 'discrete';
  const dyn = mode === 'ntk' ? input.ntk : input.nngp;
  checkSquare(dyn.train, `${mode} train kernel`);
  const n = dyn.train.rows;
  const m = dyn.testTrain.rows;
  checkShape(dyn.testTrain, m, n, `${mode} test-train kernel`);
  checkShape(input.yTrain, n, input.yTrain.cols, 'yTrain');
  if (!(input.lr >= 0) || !Number.isFinite(input.lr))
    throw new RangeError(`lr must be a finite number ≥ 0, got ${input.lr}`);
  for (const t of steps) checkStep(t, time);
  const computeCov = input.computeCov ?? false;
  if (computeCov) {
    checkShape(input.nngp.train, n, n, 'nngp train kernel');
    checkShape(input.nngp.testTrain, m, n, 'nngp test-train kernel');
    if (!input.nngp.testTest) throw new RangeError('computeCov needs nngp.testTest, K(x*, x*)');
    checkShape(input.nngp.testTest, m, m, 'nngp test-test kernel');
  }
  const eigen = input.eigen ?? eigh(dyn.train);
  const eps = input.lr / n;
  const V = toMatrix(eigen.vectors);
  const Vt = V.transpose();
  // Everything that does not depend on t, in the eigenbasis: M_t = B diag(g_t) Vᵀ with B = Θ(x*, X) V,
  // so M_t y = B g (Vᵀy), M_t K(X, x*) = B g (Vᵀ K(X, x*)) and M_t K Mᵀ = B g (Vᵀ K V) g Bᵀ.
  const B = toMatrix(dyn.testTrain).mmul(V);
  const Vty = Vt.mmul(toMatrix(input.yTrain));
  const cov0 = computeCov
    ? {
        ktt: toMatrix(input.nngp.testTest!),
        vtKxt: Vt.mmul(toMatrix(input.nngp.testTrain).transpose()),
        vtKv: Vt.mmul(toMatrix(input.nngp.train)).mmul(V),
      }
    : undefined;

  const mean: Mat[] = [];
  const cov: Mat[] = [];
  const variance: Float64Array[] = [];
  for (const t of steps) {
    const Bg = B.clone();
    for (let i = 0; i < n; i++) {
      const gi = gainFactor(eigen.values[i], eps, t, time);
      for (let r = 0; r < m; r++) Bg.set(r, i, Bg.get(r, i) * gi);
    }
    mean.push(fromMatrix(Bg.mmul(Vty)));
    if (cov0) {
      const cross = Bg.mmul(cov0.vtKxt); // M_t K(X, x*)
      const c: Matrix = cov0.ktt.clone().sub(cross).sub(cross.transpose()).add(Bg.mmul(cov0.vtKv).mmul(Bg.transpose()));
      const cm = fromMatrix(c);
      cov.push(cm);
      variance.push(Float64Array.from({ length: m }, (_, r) => cm.data[r * m + r]));
    }
  }
  return computeCov ? { steps: [...steps], mean, cov, variance } : { steps: [...steps], mean };
}
