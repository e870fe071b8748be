/**
 * Predictions (src/predict) against neural-tangents' `nt.predict` in float64
 * (test/interop/predict_nt.py, all cases in one Python process). Our kernels are handed to
 * neural-tangents, so only the prediction code is compared.
 *
 * Conventions: neural-tangents integrates gradient flow in continuous time on the loss
 * normalised by y_train.size = N·k, so its learning rate is η·k for our L = 1/(2N)Σ‖f − y‖²
 * and its time t is our step count. Three kinds of check:
 * - `time: 'continuous'` is the same mathematics: equal to rounding (1e-9).
 * - our discrete steps vs its continuous time at a small step (x_max = ηλ_max/N = 1e-3), within
 *   a bound derived from the discretisation: per eigenmode, with x = ηλ/N,
 *   0 ≤ e^{−xt} − (1 − x)^t ≤ e^{−xt} t x²/(2(1 − x)) ≤ x/(2e(1 − x)), and g_t(λ) of the two
 *   differs by a relative ρ = x/(2(1 − x)) at most (t x² e^{−xt}/(2(1−x)) over (1 − e^{−xt}) ≤ ρ).
 *   Hence ‖Δf(X)‖ ≤ x_max/(2e(1−x_max))‖r₀‖, ‖ΔM_t‖ ≤ ρ‖M_t‖ for M_t = Θ(x*,X)Θ⁻¹(I − D_t), and the
 *   test predictions, ensemble means and covariances inherit bounds through M_t.
 * - t → ∞: both are kernel regression, equal to rounding times the kernel's condition number.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { circleInputs, sphereInputs } from '../../src/data/inputs.js';
import { frobenius, makeMat, type Mat } from '../../src/linalg/mat.js';
import type { MlpSpec } from '../../src/model/spec.js';
import { analyticKernels } from '../../src/ntk/analytic.js';
import { kernelSpectrum } from '../../src/metrics/spectra.js';
import { eigh } from '../../src/predict/eigh.js';
import { ensemblePrediction } from '../../src/predict/ensemble.js';
import { gdPrediction } from '../../src/predict/gd-prediction.js';
import { kernelRegression, nngpPosterior } from '../../src/predict/kernel-regression.js';
import { runPython } from '../helpers/python.js';
import { add, identity, randn, scale } from '../helpers/predict-refs.js';

const toRows = (m: Mat): number[][] =>
  Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
const fromRows = (r: number[][]): Mat => makeMat(r.length, r[0].length, r.flat());
/** ‖a − b‖_F. */
const dist = (a: Mat, b: Mat): number => frobenius(add(a, b, -1));
const rel = (a: Mat, b: Mat): number => dist(a, b) / frobenius(b);

interface Case {
  id: string;
  spec: MlpSpec;
  n: number;
  m: number;
  k: number;
  steps: number[];
  xMax: number;
}

const CASES: Case[] = [
  {
    id: 'relu-d2-k2',
    spec: {
      inputDim: 2,
      width: 1,
      depth: 2,
      outputs: 2,
      activation: 'relu',
      parameterization: 'ntk',
      wStd: Math.SQRT2,
      bStd: 0.1,
    },
    n: 24,
    m: 8,
    k: 2,
    steps: [0, 10, 100, 1000, 10000, 100000],
    xMax: 1e-3,
  },
  {
    id: 'erf-d3-k1',
    // Points on S³: erf kernels of points on the circle are too ill-conditioned (cond ~ 1e12) for t = ∞.
    spec: {
      inputDim: 4,
      width: 1,
      depth: 3,
      outputs: 1,
      activation: 'erf',
      parameterization: 'ntk',
      wStd: 1.5,
      bStd: 0.3,
    },
    n: 30,
    m: 6,
    k: 1,
    steps: [0, 3, 50, 2000, 40000],
    xMax: 2e-3,
  },
];

function build(c: Case) {
  const x = c.spec.inputDim === 2 ? circleInputs(c.n, 7, 'train') : sphereInputs(c.n, c.spec.inputDim, 7, 'train');
  const xs = c.spec.inputDim === 2 ? circleInputs(c.m, 7, 'test') : sphereInputs(c.m, c.spec.inputDim, 7, 'test');
  const tr = analyticKernels(c.spec, x);
  const te = analyticKernels(c.spec, xs, x);
  const tt = analyticKernels(c.spec, xs);
  const angle = (m: Mat, i: number): number => Math.atan2(m.data[2 * i + 1], m.data[2 * i]);
  const y = makeMat(
    c.n,
    c.k,
    Array.from({ length: c.n * c.k }, (_, i) =>
      i % c.k === 0 ? Math.sin(3 * angle(x, Math.floor(i / c.k))) : Math.cos(angle(x, Math.floor(i / c.k))),
    ),
  );
  const f0 = scale(randn(c.n, c.k, 1, c.id + 'f0'), 0.4);
  const fs0 = scale(randn(c.m, c.k, 2, c.id + 'fs0'), 0.4);
  const lambdaMax = eigh(tr.ntk).values[0];
  const lr = (c.xMax * c.n) / lambdaMax;
  return { tr, te, tt, y, f0, fs0, lr, lambdaMax };
}

test('predictions match neural-tangents nt.predict (gradient_descent_mse, _ensemble, gp_inference)', () => {
  const built = CASES.map(build);
  const ridge = 0.05;
  const noise = 0.01;
  const req = {
    cases: CASES.map((c, i) => {
      const b = built[i];
      return {
        id: c.id,
        ntk_train: toRows(b.tr.ntk),
        ntk_test_train: toRows(b.te.ntk),
        nngp_train: toRows(b.tr.nngp),
        nngp_test_train: toRows(b.te.nngp),
        nngp_test_test: toRows(b.tt.nngp),
        y: toRows(b.y),
        f0_train: toRows(b.f0),
        f0_test: toRows(b.fs0),
        learning_rate: b.lr * c.k, // nt normalises the loss by N·k, we by N
        times: c.steps,
        ridge,
        noise,
      };
    }),
  };
  const res = runPython<{ results: Record<string, unknown>[] }>('test/interop/predict_nt.py', req);

  CASES.forEach((c, ci) => {
    const b = built[ci];
    const r = res.results[ci] as Record<string, number[][] | number[][][]>;
    const perT = (key: string): Mat[] => (r[key] as number[][][]).map(fromRows);
    const one = (key: string): Mat => fromRows(r[key] as number[][]);
    const tag = (s: string): string => `${c.id}: ${s}`;
    const gdArgs = {
      thetaTrain: b.tr.ntk,
      yTrain: b.y,
      fTrain0: b.f0,
      lr: b.lr,
      steps: c.steps,
      thetaTestTrain: b.te.ntk,
      fTest0: b.fs0,
    };
    const ensArgs = {
      ntk: { train: b.tr.ntk, testTrain: b.te.ntk },
      nngp: { train: b.tr.nngp, testTrain: b.te.nngp, testTest: b.tt.nngp },
      yTrain: b.y,
      lr: b.lr,
      computeCov: true,
    };

    // 1. Continuous time: the same mathematics, to rounding.
    const cont = gdPrediction({ ...gdArgs, time: 'continuous' });
    const ntTrain = perT('gd_train');
    const ntTest = perT('gd_test');
    c.steps.forEach((t, i) => {
      assert.ok(rel(cont.train[i], ntTrain[i]) < 1e-9, tag(`gd train t=${t}: ${rel(cont.train[i], ntTrain[i])}`));
      assert.ok(rel(cont.test![i], ntTest[i]) < 1e-9, tag(`gd test t=${t}: ${rel(cont.test![i], ntTest[i])}`));
    });
    for (const mode of ['ntk', 'nngp'] as const) {
      const e = ensemblePrediction({ ...ensArgs, mode, time: 'continuous' }, c.steps);
      const mean = perT(`ens_${mode}_mean`);
      const cov = perT(`ens_${mode}_cov`);
      c.steps.forEach((t, i) => {
        assert.ok(
          rel(e.mean[i], mean[i]) < 1e-9 || dist(e.mean[i], mean[i]) < 1e-12,
          tag(`${mode} mean t=${t}: ${rel(e.mean[i], mean[i])}`),
        );
        assert.ok(rel(e.cov![i], cov[i]) < 1e-9, tag(`${mode} cov t=${t}: ${rel(e.cov![i], cov[i])}`));
      });
    }

    // 2. Discrete steps vs continuous time, within the discretisation bound.
    const disc = gdPrediction(gdArgs);
    const r0 = add(b.f0, b.y, -1);
    const xm = (b.lr * b.lambdaMax) / c.n;
    const rho = xm / (2 * (1 - xm));
    const trainBound = (xm / (2 * Math.E * (1 - xm))) * frobenius(r0);
    // M_t (continuous) = the ensemble mean operator: the mean for targets I_N.
    const mOp = (mode: 'ntk' | 'nngp'): Mat[] =>
      ensemblePrediction({ ...ensArgs, computeCov: false, yTrain: identity(c.n), mode, time: 'continuous' }, c.steps)
        .mean;
    const mNtk = mOp('ntk');
    let worst = 0;
    c.steps.forEach((t, i) => {
      const dTr = dist(disc.train[i], ntTrain[i]);
      const dTe = dist(disc.test![i], ntTest[i]);
      const teBound = rho * frobenius(mNtk[i]) * frobenius(r0);
      assert.ok(dTr <= trainBound * (1 + 1e-6) + 1e-12, tag(`discrete train t=${t}: ${dTr} > bound ${trainBound}`));
      assert.ok(dTe <= teBound * (1 + 1e-6) + 1e-12, tag(`discrete test t=${t}: ${dTe} > bound ${teBound}`));
      worst = Math.max(worst, dTr / trainBound, dTe / (teBound || 1));
    });
    for (const mode of ['ntk', 'nngp'] as const) {
      const e = ensemblePrediction({ ...ensArgs, mode }, c.steps);
      const mean = perT(`ens_${mode}_mean`);
      const cov = perT(`ens_${mode}_cov`);
      const mt = mode === 'ntk' ? mNtk : mOp('nngp');
      const lam = mode === 'ntk' ? b.lambdaMax : eigh(b.tr.nngp).values[0];
      const x = (b.lr * lam) / c.n;
      const rh = x / (2 * (1 - x));
      c.steps.forEach((t, i) => {
        const nm = frobenius(mt[i]);
        const meanBound = rh * nm * frobenius(b.y);
        const dM = rh * nm;
        const covBound =
          2 * dM * frobenius(b.te.nngp) + 2 * dM * nm * frobenius(b.tr.nngp) + dM * dM * frobenius(b.tr.nngp);
        assert.ok(dist(e.mean[i], mean[i]) <= meanBound * (1 + 1e-6) + 1e-12, tag(`discrete ${mode} mean t=${t}`));
        assert.ok(dist(e.cov![i], cov[i]) <= covBound * (1 + 1e-6) + 1e-12, tag(`discrete ${mode} cov t=${t}`));
      });
    }
    console.log(
      `${c.id}: discrete vs continuous at x_max = ${xm.toExponential(1)}: worst |Δ| / bound = ${worst.toFixed(3)}`,
    );

    // 3. t → ∞: kernel regression on both sides (eigenbasis pseudo-inverse here, Cholesky there):
    //    rounding amplified by the condition number of the kernel inverted.
    const tolInf = (k: Mat): number => 1e-9 + 1e-15 * kernelSpectrum(k).condition;
    const inf = gdPrediction({ ...gdArgs, steps: [Infinity] });
    assert.ok(rel(inf.train[0], one('gd_inf_train')) < 1e-9, tag('gd t=∞ train'));
    assert.ok(
      rel(inf.test![0], one('gd_inf_test')) < tolInf(b.tr.ntk),
      tag(`gd t=∞ test: ${rel(inf.test![0], one('gd_inf_test'))}`),
    );
    const krr = kernelRegression(b.tr.ntk, b.te.ntk, b.y, { fTrain0: b.f0, fTest0: b.fs0 });
    assert.ok(rel(krr, one('gd_inf_test')) < 1e-9, tag(`kernel regression: ${rel(krr, one('gd_inf_test'))}`));
    const krrRidge = kernelRegression(b.tr.ntk, b.te.ntk, b.y, { ridge });
    assert.ok(rel(krrRidge, one('krr_ridge_test')) < 1e-10, tag('ridge regression'));
    for (const mode of ['ntk', 'nngp'] as const) {
      const e = ensemblePrediction({ ...ensArgs, mode }, [Infinity]);
      const tol = tolInf(mode === 'ntk' ? b.tr.ntk : b.tr.nngp);
      assert.ok(
        rel(e.mean[0], one(`ens_${mode}_inf_mean`)) < tol,
        tag(`${mode} t=∞ mean: ${rel(e.mean[0], one(`ens_${mode}_inf_mean`))}`),
      );
      assert.ok(
        rel(e.cov![0], one(`ens_${mode}_inf_cov`)) < 10 * tol,
        tag(`${mode} t=∞ cov: ${rel(e.cov![0], one(`ens_${mode}_inf_cov`))}`),
      );
    }

    // 4. NNGP posterior with observation noise.
    const post = nngpPosterior(b.tr.nngp, b.te.nngp, b.tt.nngp, b.y, { noise });
    assert.ok(rel(post.mean, one('gp_mean')) < 1e-10, tag('gp mean'));
    assert.ok(rel(post.cov, one('gp_cov')) < 1e-9, tag(`gp cov: ${rel(post.cov, one('gp_cov'))}`));
  });
});
