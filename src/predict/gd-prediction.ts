/**
 * Closed-form gradient descent of a linearised network (docs/design.md §4; Lee et al. 2019,
 * arXiv:1902.06720, eqs. 9–11, in discrete time). For f_lin(θ) = f₀ + J(θ − θ₀) trained by
 * full-batch gradient descent on L = 1/(2N)‖f − y‖² with step η, and Θ = J Jᵀ, A = ηΘ/N:
 *
 *     f_t(X) − y = (I − A)^t (f₀(X) − y)
 *     f_t(x*)    = f₀(x*) + Θ(x*, X) Θ⁻¹ (I − (I − A)^t) (y − f₀(X))
 *
 * exactly. With Θ = Θ_∞ (and the network's own f₀) this is the analytic infinite-width
 * prediction; with Θ = Θ̂₀ it is the linearised finite network. Both products are evaluated in the
 * eigenbasis Θ = VΛVᵀ through d_t(λ) and g_t(λ) of ./decay.ts, so one eigendecomposition serves
 * any number of steps. Targets may have k columns (Θ acts on each output alike, Θ ⊗ I_k).
 */
import type { Mat } from '../linalg/mat.js';
import { checkShape, checkSquare, fromMatrix, toMatrix } from './dense.js';
import { checkStep, decayFactor, gainFactor, type TimeMode } from './decay.js';
import { eigh, type SymmetricEigen } from './eigh.js';

export interface GdPredictorOptions {
  /** `discrete` (default): t steps of size η. `continuous`: gradient flow to time ηt (neural-tangents' convention). */
  time?: TimeMode;
  /** A decomposition of thetaTrain already at hand (e.g. Θ_∞ shared by every trial of one config). */
  eigen?: SymmetricEigen;
}

/** Predictions at each requested step: train[i], test[i] belong to steps[i]. */
export interface GdPrediction {
  steps: number[];
  /** f_t(X), N × k. */
  train: Mat[];
  /** f_t(x*), M × k (present when test inputs were given). */
  test?: Mat[];
}

/** Built once per (Θ, y, η): the eigendecomposition is reused for every call. */
export interface GdPredictor {
  readonly eigen: SymmetricEigen;
  readonly lr: number;
  readonly time: TimeMode;
  /**
   * f_t on the training set and, given Θ(x*, X) (M × N) and f₀(x*) (M × k), on test points,
   * for every t in `steps`.
   */
  predict(steps: readonly number[], fTrain0: Mat, test?: { thetaTestTrain: Mat; fTest0: Mat }): GdPrediction;
}

/**
 * A predictor for gradient descent with kernel `thetaTrain` (N × N) towards `yTrain` (N × k) at
 * learning rate `lr`.
 *
 * @example
 * const p = gdPredictor(thetaInf, data.yTrain, 1.0);
 * const { train, test } = p.predict([0, 100, 1000], f0Train, { thetaTestTrain, fTest0 });
 */
export function gdPredictor(thetaTrain: Mat, yTrain: Mat, lr: number, opts: GdPredictorOptions = {}): GdPredictor {
  checkSquare(thetaTrain, 'thetaTrain');
  const n = thetaTrain.rows;
  const k = yTrain.cols;
  checkShape(yTrain, n, k, 'yTrain');
  if (!(lr >= 0) || !Number.isFinite(lr)) throw new RangeError(`lr must be a finite number ≥ 0, got ${lr}`);
  const time = opts.time ?? 'discrete';
  const eigen = opts.eigen ?? eigh(thetaTrain);
  checkSquare(eigen.vectors, 'eigen.vectors');
  if (eigen.vectors.rows !== n) throw new RangeError(`eigen has size ${eigen.vectors.rows}, thetaTrain ${n}`);
  const eps = lr / n;
  const V = toMatrix(eigen.vectors);
  const y = toMatrix(yTrain);

  return {
    eigen,
    lr,
    time,
    predict(steps, fTrain0, test) {
      checkShape(fTrain0, n, k, 'fTrain0');
      for (const t of steps) checkStep(t, time);
      // c = Vᵀ r₀: the initial residual in the eigenbasis (N × k).
      const c = V.transpose().mmul(toMatrix(fTrain0).sub(y));
      let b: ReturnType<typeof toMatrix> | undefined; // Θ(x*, X) V, M × N
      if (test) {
        checkShape(test.thetaTestTrain, test.thetaTestTrain.rows, n, 'thetaTestTrain');
        checkShape(test.fTest0, test.thetaTestTrain.rows, k, 'fTest0');
        b = toMatrix(test.thetaTestTrain).mmul(V);
      }
      const train: Mat[] = [];
      const testOut: Mat[] = [];
      for (const t of steps) {
        const d = c.clone();
        const g = c.clone();
        for (let i = 0; i < n; i++) {
          const di = decayFactor(eigen.values[i], eps, t, time);
          const gi = gainFactor(eigen.values[i], eps, t, time);
          for (let j = 0; j < k; j++) {
            d.set(i, j, di * c.get(i, j));
            g.set(i, j, -gi * c.get(i, j)); // y − f₀ = −r₀
          }
        }
        train.push(fromMatrix(V.mmul(d).add(y)));
        if (b && test) testOut.push(fromMatrix(b.mmul(g).add(toMatrix(test.fTest0))));
      }
      return test ? { steps: [...steps], train, test: testOut } : { steps: [...steps], train };
    },
  };
}

/** One-shot form of {@link gdPredictor}: decomposes Θ and predicts at `steps`. */
export function gdPrediction(args: {
  thetaTrain: Mat;
  yTrain: Mat;
  fTrain0: Mat;
  lr: number;
  steps: readonly number[];
  thetaTestTrain?: Mat;
  fTest0?: Mat;
  time?: TimeMode;
}): GdPrediction {
  const p = gdPredictor(args.thetaTrain, args.yTrain, args.lr, { time: args.time });
  if ((args.thetaTestTrain === undefined) !== (args.fTest0 === undefined)) {
    throw new RangeError('gdPrediction: give both thetaTestTrain and fTest0, or neither');
  }
  const test =
    args.thetaTestTrain && args.fTest0 ? { thetaTestTrain: args.thetaTestTrain, fTest0: args.fTest0 } : undefined;
  return p.predict(args.steps, args.fTrain0, test);
}
