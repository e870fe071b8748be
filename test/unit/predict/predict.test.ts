/**
 * docs/design.md §4: the eigenvalue functions g_t(λ), d_t(λ) against exact rational arithmetic; the
 * eigendecomposition; the closed-form gradient-descent, ensemble and kernel-regression predictions
 * against the step-by-step iteration and direct solves; and float32 gradient descent in
 * TensorFlow.js on a real network's linearisation against the closed form with Θ̂₀ = JJᵀ.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/backend/select.js';
import { circleInputs } from '../../../src/data/inputs.js';
import { makeMat, type Mat } from '../../../src/linalg/mat.js';
import { forward } from '../../../src/model/mlp.js';
import { initParams } from '../../../src/model/params.js';
import type { MlpSpec } from '../../../src/model/spec.js';
import { jacobian, jacobianNtk } from '../../../src/ntk/jacobian.js';
import { criticalLearningRate } from '../../../src/predict/critical-lr.js';
import { decayFactor, gainFactor } from '../../../src/predict/decay.js';
import { eigh } from '../../../src/predict/eigh.js';
import { empiricalKernelRegression } from '../../../src/trial/after-kernel.js';
import { ensemblePrediction } from '../../../src/predict/ensemble.js';
import { gdPrediction, gdPredictor } from '../../../src/predict/gd-prediction.js';
import { kernelRegression, nngpPosterior } from '../../../src/predict/kernel-regression.js';
import { makeRng } from '../../../src/rng.js';
import {
  add,
  block,
  cholesky,
  identity,
  iterateGd,
  matmul,
  randn,
  randomKernel,
  relErr,
  scale,
  solveDense,
  transpose,
} from '../../helpers/predict-refs.js';
import { reluNtkSpec } from '../../helpers/relu-spec.js';

// ---------------------------------------------------------------- exact reference for g and d

/** x = n · 2^e exactly (x a finite double). */
function dyadic(x: number): { n: bigint; e: number } {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const bits = dv.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const ex = Number((bits >> 52n) & 0x7ffn);
  const mant = bits & ((1n << 52n) - 1n);
  return ex === 0 ? { n: sign * mant, e: -1074 } : { n: sign * (mant | (1n << 52n)), e: ex - 1075 };
}

function bitLength(a: bigint): number {
  return a === 0n ? 0 : (a < 0n ? -a : a).toString(2).length;
}

function ldexp(v: number, p: number): number {
  for (; p > 1000; p -= 1000) v *= 2 ** 1000;
  for (; p < -1000; p += 1000) v *= 2 ** -1000;
  return v * 2 ** p;
}

/** (a / b) · 2^p as the nearest double (to 2^-60 relative). */
function ratio(a: bigint, b: bigint, p: number): number {
  if (a === 0n) return 0;
  const neg = a < 0n !== b < 0n;
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  const shift = 64 - (bitLength(a) - bitLength(b));
  const q = shift >= 0 ? (a << BigInt(shift)) / b : a / (b << BigInt(-shift));
  const v = ldexp(Number(q), p - shift);
  return neg ? -v : v;
}

/** Exact (1 − x)^t and (1 − (1 − x)^t)/λ for doubles x, λ and integer t, rounded once at the end. */
function exactDecayGain(x: number, lambda: number, t: number): { d: number; g: number } {
  const X = dyadic(x);
  const L = dyadic(lambda);
  const e = Math.min(X.e, 0);
  const qn = (1n << BigInt(-e)) - X.n * (1n << BigInt(X.e - e)); // 1 − x = qn · 2^e
  const T = BigInt(t);
  const qt = qn ** T; // (1 − x)^t = qt · 2^{e t}
  const one = 1n << BigInt(-e * t);
  return { d: ratio(qt, 1n, e * t), g: ratio(one - qt, L.n, e * t - L.e) };
}

test('g_t(λ) and d_t(λ) match exact rational arithmetic near λ → 0, near ηλ/N = 1 and beyond', () => {
  const eps = 0.01; // η/N
  const cases: [number, number][] = []; // [λ, t]
  for (const lam of [1e-300, 1e-15, 1e-12, 1e-8, 1e-4, 0.37, 10, 50])
    for (const t of [1, 2, 3, 100, 1000]) cases.push([lam, t]);
  for (const x of [1 - 1e-12, 1 - 1e-9, 1 - 1e-6, 1, 1 + 1e-12, 1 + 1e-9, 1 + 1e-6, 1.5, 1.999, 2, 2.5]) {
    for (const t of [1, 2, 3, 10, 101]) cases.push([x / eps, t]);
  }
  let worst = 0;
  for (const [lam, t] of cases) {
    const x = eps * lam;
    const ref = exactDecayGain(x, lam, t);
    const g = gainFactor(lam, eps, t);
    const d = decayFactor(lam, eps, t);
    const eg = ref.g === 0 ? Math.abs(g) * lam : Math.abs(g - ref.g) / Math.abs(ref.g);
    const ed = ref.d === 0 ? Math.abs(d) : Math.abs(d - ref.d) / Math.abs(ref.d);
    worst = Math.max(worst, eg);
    assert.ok(eg < 1e-13, `g(λ=${lam}, t=${t}): ${g} vs exact ${ref.g} (rel ${eg})`);
    assert.ok(ed < 1e-12 || Math.abs(d - ref.d) < 1e-300, `d(λ=${lam}, t=${t}): ${d} vs exact ${ref.d} (rel ${ed})`);
  }
  // The naive formula loses everything for small λ: the exact reference would catch it.
  const lam = 1e-12;
  const naive = (1 - (1 - eps * lam) ** 100) / lam;
  assert.ok(Math.abs(naive - exactDecayGain(eps * lam, lam, 100).g) / (100 * eps) > 1e-6, 'naive should be inaccurate');
  assert.ok(worst < 1e-13);
});

test('g_t and d_t limits: λ = 0, t = 0, t = ∞, negative rounding eigenvalues, continuous time', () => {
  assert.equal(gainFactor(0, 0.02, 50), 0.02 * 50);
  assert.equal(gainFactor(-1e-14, 0.02, 50), 0.02 * 50); // clipped to 0, as neural-tangents does
  assert.equal(decayFactor(0, 0.02, 50), 1);
  assert.equal(gainFactor(3, 0.02, 0), 0);
  assert.equal(decayFactor(3, 0.02, 0), 1);
  assert.equal(gainFactor(3, 0.02, Infinity), 1 / 3);
  assert.equal(decayFactor(3, 0.02, Infinity), 0);
  assert.equal(gainFactor(0, 0.02, Infinity), 0); // pseudo-inverse on the null space
  assert.ok(Number.isNaN(gainFactor(150, 0.02, Infinity))); // ηλ/N = 3: the iteration diverges
  assert.ok(Math.abs(decayFactor(150, 0.02, 3) - (1 - 3) ** 3) < 1e-14);
  for (const [lam, t] of [
    [1e-10, 7],
    [0.5, 3.25],
    [40, 100],
  ] as const) {
    const x = 0.02 * lam;
    assert.ok(Math.abs(decayFactor(lam, 0.02, t, 'continuous') - Math.exp(-x * t)) < 1e-15);
    const ref = lam === 1e-10 ? 0.02 * t * (1 - (x * t) / 2) : (1 - Math.exp(-x * t)) / lam;
    assert.ok(Math.abs(gainFactor(lam, 0.02, t, 'continuous') - ref) / ref < 1e-12);
  }
  assert.throws(() => gdPredictor(identity(2), makeMat(2, 1), 0.1).predict([1.5], makeMat(2, 1)), RangeError);
});

// ---------------------------------------------------------------- eigendecomposition

/** Householder reflection I − 2uuᵀ/‖u‖²: orthogonal, built without any eigensolver. */
function householder(n: number, seed: number): Mat {
  const u = randn(n, 1, seed, 'householder');
  const uu = u.data.reduce((s, v) => s + v * v, 0);
  return add(identity(n), matmul(u, transpose(u)), -2 / uu);
}

test('eigh: known spectrum recovered in descending order, V orthonormal, VΛVᵀ = A', () => {
  const n = 40;
  const known = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1e-9 * i : 3 + Math.sin(i) * 2 + i));
  const q = matmul(householder(n, 1), householder(n, 2));
  const lam = makeMat(n, n);
  known.forEach((v, i) => (lam.data[i * n + i] = v));
  const a = matmul(matmul(q, lam), transpose(q));
  const { values, vectors } = eigh(a);
  const sorted = Float64Array.from(known).sort((x, y) => y - x);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(values[i] - sorted[i]) < 1e-12 * sorted[0], `λ_${i}`);
  assert.ok(relErr(matmul(transpose(vectors), vectors), identity(n)) < 1e-13);
  const diag = makeMat(n, n);
  values.forEach((v, i) => (diag.data[i * n + i] = v));
  assert.ok(relErr(matmul(matmul(vectors, diag), transpose(vectors)), a) < 1e-13);
  assert.throws(() => eigh(makeMat(2, 3)), RangeError);
});

// ---------------------------------------------------------------- closed form vs iteration

test('gradient-descent closed form = step-by-step iteration (k = 2 outputs, below and above η_crit)', () => {
  const n = 24;
  const m = 7;
  const ker = randomKernel(n, m, 30, 3);
  const y = randn(n, 2, 4, 'y');
  const f0 = scale(randn(n, 2, 5, 'f0'), 0.3);
  const fs0 = scale(randn(m, 2, 6, 'fs0'), 0.3);
  const etaCrit = criticalLearningRate(ker.train);
  const steps = [0, 1, 2, 17, 60];
  // 0.3 η_crit: monotone; 0.9 η_crit: the top modes overshoot (1 − ηλ/N < 0); 1.1 η_crit: diverging.
  for (const factor of [0.3, 0.9, 1.1]) {
    const lr = factor * etaCrit;
    const cf = gdPrediction({
      thetaTrain: ker.train,
      yTrain: y,
      fTrain0: f0,
      lr,
      steps,
      thetaTestTrain: ker.testTrain,
      fTest0: fs0,
    });
    const it = iterateGd(ker.train, ker.testTrain, y, f0, fs0, lr, steps);
    steps.forEach((t, i) => {
      assert.ok(
        relErr(cf.train[i], it.train[i]) < 1e-10,
        `train, lr = ${factor} η_crit, t = ${t}: ${relErr(cf.train[i], it.train[i])}`,
      );
      assert.ok(
        relErr(cf.test![i], it.test[i]) < 1e-10,
        `test, lr = ${factor} η_crit, t = ${t}: ${relErr(cf.test![i], it.test[i])}`,
      );
    });
    if (factor > 1) assert.ok(relErr(cf.train[4], y) > 10, 'above η_crit the residual grows');
  }
});

test('t → ∞: gradient descent ends at kernel regression from f₀; kernel regression = direct solve, with ridge', () => {
  const n = 20;
  const m = 6;
  const ker = randomKernel(n, m, 40, 7);
  const y = randn(n, 3, 8, 'y');
  const f0 = scale(randn(n, 3, 9, 'f0'), 0.5);
  const fs0 = scale(randn(m, 3, 10, 'fs0'), 0.5);
  const direct = add(fs0, matmul(ker.testTrain, solveDense(ker.train, add(y, f0, -1))));
  const kr = kernelRegression(ker.train, ker.testTrain, y, { fTrain0: f0, fTest0: fs0 });
  assert.ok(relErr(kr, direct) < 1e-8, `kernel regression vs direct solve: ${relErr(kr, direct)}`);
  const lr = 0.5 * criticalLearningRate(ker.train);
  const inf = gdPrediction({
    thetaTrain: ker.train,
    yTrain: y,
    fTrain0: f0,
    lr,
    steps: [Infinity],
    thetaTestTrain: ker.testTrain,
    fTest0: fs0,
  });
  assert.ok(relErr(inf.test![0], kr) < 1e-8);
  assert.ok(relErr(inf.train[0], y) < 1e-10);
  const z = 0.3;
  const ridged = kernelRegression(ker.train, ker.testTrain, y, { ridge: z });
  const directRidge = matmul(ker.testTrain, solveDense(add(ker.train, identity(n), z), y));
  assert.ok(relErr(ridged, directRidge) < 1e-12);
  // Rank-deficient kernel (3 features for 20 points) without a ridge: a clear error.
  const low = randomKernel(n, m, 3, 11);
  assert.throws(() => kernelRegression(low.train, low.testTrain, y), /positive definite/);
});

test('NNGP posterior mean and covariance = direct formulas; equal to readout-only GD at t = ∞', () => {
  const n = 15;
  const m = 5;
  const k = randomKernel(n, m, 40, 12);
  const th = randomKernel(n, m, 40, 13);
  const y = randn(n, 2, 14, 'y');
  const noise = 0.05;
  const post = nngpPosterior(k.train, k.testTrain, k.testTest, y, { noise });
  const kn = add(k.train, identity(n), noise);
  assert.ok(relErr(post.mean, matmul(k.testTrain, solveDense(kn, y))) < 1e-11);
  const covRef = add(k.testTest, matmul(k.testTrain, solveDense(kn, transpose(k.testTrain))), -1);
  assert.ok(relErr(post.cov, covRef) < 1e-10);
  for (let i = 0; i < m; i++) assert.equal(post.variance[i], post.cov.data[i * m + i]);
  // Training only the readout layer (dynamics with K) converges to the exact posterior (noise 0).
  const exact = nngpPosterior(k.train, k.testTrain, k.testTest, y);
  const ens = ensemblePrediction(
    { ntk: { train: th.train, testTrain: th.testTrain }, nngp: k, yTrain: y, lr: 1, mode: 'nngp', computeCov: true },
    [Infinity],
  );
  assert.ok(relErr(ens.mean[0], exact.mean) < 1e-8);
  assert.ok(relErr(ens.cov![0], exact.cov) < 1e-6);
});

// ---------------------------------------------------------------- ensemble

test('infinite-width ensemble: mean and covariance = propagated Gaussian (iteration) and Monte Carlo', () => {
  const n = 10;
  const m = 4;
  const th = randomKernel(n, m, 12, 20, 'ntk');
  const k = randomKernel(n, m, 12, 21, 'nngp');
  // Make K strictly positive definite on train ∪ test for sampling.
  const kFull = add(k.full, identity(n + m), 1e-3);
  const kk = {
    train: block(kFull, 0, n, 0, n),
    testTrain: block(kFull, n, n + m, 0, n),
    testTest: block(kFull, n, n + m, n, n + m),
  };
  const y = randn(n, 1, 22, 'y');
  const lr = 0.8 * criticalLearningRate(th.train);
  const steps = [0, 5, 40];
  const ens = ensemblePrediction({ ntk: th, nngp: kk, yTrain: y, lr, computeCov: true }, steps);
  // Reference 1: M_t = Θ*X Σ_{s<t} (η/N)(I − ηΘ/N)^s by iteration; mean M_t y, cov of f₀* − M_t f₀.
  const eps = lr / n;
  let mt = makeMat(m, n);
  let power = identity(n);
  const stepMat = add(identity(n), th.train, -eps);
  for (let t = 0; t <= 40; t++) {
    const i = steps.indexOf(t);
    if (i >= 0) {
      assert.ok(relErr(ens.mean[i], matmul(mt, y)) < 1e-10, `mean at t = ${t}`);
      const cross = matmul(mt, transpose(kk.testTrain));
      const cov = add(
        add(add(kk.testTest, cross, -1), transpose(cross), -1),
        matmul(matmul(mt, kk.train), transpose(mt)),
      );
      assert.ok(relErr(ens.cov![i], cov) < 1e-10, `cov at t = ${t}`);
      for (let r = 0; r < m; r++) assert.equal(ens.variance![i][r], ens.cov![i].data[r * m + r]);
    }
    mt = add(mt, matmul(th.testTrain, power), eps);
    power = matmul(power, stepMat);
  }
  // Reference 2: Monte Carlo over f₀ ~ GP(0, K), each sample trained by explicit iteration.
  const samples = 4000;
  const l = cholesky(kFull);
  const rng = makeRng(23, 'mc');
  const t = 40;
  const sum = new Float64Array(m);
  const sum2 = new Float64Array(m * m);
  for (let s = 0; s < samples; s++) {
    const z = makeMat(
      n + m,
      1,
      Array.from({ length: n + m }, () => rng.normal()),
    );
    const f = matmul(l, z);
    const fx = makeMat(n, 1, f.data.slice(0, n));
    const fs = makeMat(m, 1, f.data.slice(n));
    const out = iterateGd(th.train, th.testTrain, y, fx, fs, lr, [t]).test[0];
    for (let a = 0; a < m; a++) {
      sum[a] += out.data[a];
      for (let b = 0; b < m; b++) sum2[a * m + b] += out.data[a] * out.data[b];
    }
  }
  const cov = ens.cov![2];
  for (let a = 0; a < m; a++) {
    const meanMc = sum[a] / samples;
    const sd = Math.sqrt(cov.data[a * m + a]);
    assert.ok(Math.abs(meanMc - ens.mean[2].data[a]) < (5 * sd) / Math.sqrt(samples), `MC mean ${a}`);
    for (let b = 0; b < m; b++) {
      const c = sum2[a * m + b] / samples - meanMc * (sum[b] / samples);
      const se = Math.sqrt((cov.data[a * m + a] * cov.data[b * m + b] + cov.data[a * m + b] ** 2) / samples);
      assert.ok(Math.abs(c - cov.data[a * m + b]) < 5 * se, `MC cov ${a},${b}: ${c} vs ${cov.data[a * m + b]}`);
    }
  }
});

// ---------------------------------------------------------------- float32 GD on the linearised network

test('TensorFlow.js float32 gradient descent on the linearised network reproduces the closed form with Θ̂₀ = JJᵀ', async () => {
  await selectBackend('wasm');
  const spec = reluNtkSpec(2, 64, 2);
  const params = initParams(spec, 0);
  const n = 16;
  const m = 8;
  const x = circleInputs(n, 1, 'train');
  const xs = circleInputs(m, 1, 'test');
  const y = makeMat(
    n,
    1,
    Array.from({ length: n }, (_, i) => Math.sin(3 * Math.atan2(x.data[2 * i + 1], x.data[2 * i]))),
  );
  const j = await jacobian(params, x);
  const js = await jacobian(params, xs);
  const p = j.cols;
  const f0 = await forward(params, x);
  const fs0 = await forward(params, xs);
  // f₀ as the float32 values the TensorFlow.js side starts from.
  const f032 = makeMat(n, 1, Float32Array.from(f0.data));
  const fs032 = makeMat(m, 1, Float32Array.from(fs0.data));
  const jm = makeMat(n, p, j.data);
  const jsm = makeMat(m, p, js.data);
  const theta0 = matmul(jm, transpose(jm));
  const thetaTest = matmul(jsm, transpose(jm));
  const lr = 0.75 * criticalLearningRate(theta0); // top mode overshoots: factor 1 − ηλ/N = −0.5
  const steps = 100;

  // θ − θ₀ by gradient descent on L = 1/(2N)‖f₀ + J(θ − θ₀) − y‖², all float32.
  const [gdTrain, gdTest] = tf.tidy(() => {
    const J = tf.tensor2d(j.data, [n, p]);
    const Js = tf.tensor2d(js.data, [m, p]);
    const F0 = tf.tensor2d(Float32Array.from(f0.data), [n, 1]);
    const Fs0 = tf.tensor2d(Float32Array.from(fs0.data), [m, 1]);
    const Y = tf.tensor2d(Float32Array.from(y.data), [n, 1]);
    let dTheta: tf.Tensor2D = tf.zeros([p, 1]);
    for (let t = 0; t < steps; t++) {
      const next = tf.tidy(() => {
        const r = tf.sub(tf.add(F0, tf.matMul(J, dTheta)), Y);
        const grad = tf.div(tf.matMul(J, r, true, false), n);
        return tf.sub(dTheta, tf.mul(grad, lr)) as tf.Tensor2D;
      });
      dTheta.dispose();
      dTheta = next;
    }
    return [tf.add(F0, tf.matMul(J, dTheta)), tf.add(Fs0, tf.matMul(Js, dTheta))];
  });
  const fT = makeMat(n, 1, (await gdTrain.data()) as Float32Array);
  const fsT = makeMat(m, 1, (await gdTest.data()) as Float32Array);
  tf.dispose([gdTrain, gdTest]);

  const cf = gdPrediction({
    thetaTrain: theta0,
    yTrain: y,
    fTrain0: f032,
    lr,
    steps: [steps - 1, steps, steps + 1],
    thetaTestTrain: thetaTest,
    fTest0: fs032,
  });
  // Errors relative to how far the predictions moved (‖f_t − f₀‖), the stricter measure.
  const moveTrain = relErr(cf.train[1], f032) * Math.hypot(...f032.data);
  const moveTest = relErr(cf.test![1], fs032) * Math.hypot(...fs032.data);
  const errTrain = (relErr(fT, cf.train[1]) * Math.hypot(...cf.train[1].data)) / moveTrain;
  const errTest = (relErr(fsT, cf.test![1]) * Math.hypot(...cf.test![1].data)) / moveTest;
  // Tolerance: float32 unit roundoff u = 6e-8. Each step rounds J·Δθ and Jᵀr (sums of P ≈ 4.5e3
  // terms; XNNPACK's blocked summation keeps the error near u·log P rather than the worst case
  // u·P) and the update; the iteration is non-expansive on the residual (|1 − ηλ/N| ≤ 1 below
  // η_crit), so 100 steps add these errors up like a random walk: ~√100 · a few u ≈ 1e-6 of the
  // movement, which is what is observed. 2e-5 leaves 20× headroom and stays far below modelling
  // errors: being a single step off already changes f by > 2e-4 of its movement (checked below),
  // and a wrong η/N normalisation or kernel changes it by O(1).
  const tol = 2e-5;
  assert.ok(errTrain < tol, `train relative error ${errTrain}`);
  assert.ok(errTest < tol, `test relative error ${errTest}`);
  const offByOne = Math.min(
    (relErr(cf.train[0], cf.train[1]) * Math.hypot(...cf.train[1].data)) / moveTrain,
    (relErr(cf.test![2], cf.test![1]) * Math.hypot(...cf.test![1].data)) / moveTest,
  );
  assert.ok(offByOne > 10 * tol, `one step changes f by ${offByOne} of its movement`);
  console.log(
    `float32 GD vs closed form after ${steps} steps (P = ${p}): train ${errTrain.toExponential(2)}, test ${errTest.toExponential(2)}; one step off: ${offByOne.toExponential(2)}`,
  );
});

test("initial/after-kernel regression: ridge regression with the network's own NTK (Jacobian reference)", async () => {
  await selectBackend('wasm');
  const spec: MlpSpec = {
    inputDim: 2,
    width: 24,
    depth: 2,
    outputs: 2,
    activation: 'tanh',
    parameterization: 'ntk',
    wStd: 1.2,
    bStd: 0.2,
  };
  const xTrain = circleInputs(10, 4, 'train');
  const xTest = circleInputs(5, 4, 'test');
  const y = (x: Mat): Mat =>
    makeMat(
      x.rows,
      2,
      Array.from({ length: 2 * x.rows }, (_, i) => Math.sin(2 * x.data[i])),
    );
  const data = { xTrain, yTrain: y(xTrain), xTest, yTest: y(xTest) };
  const params = initParams(spec, 5);
  const ridge = 1e-3;
  const got = await empiricalKernelRegression(params, data, { ridge });
  // Reference: the autodiff-Jacobian kernel (independent of the structured empirical NTK) and a dense solve.
  const kTrain = await jacobianNtk(params, xTrain);
  const kTest = await jacobianNtk(params, xTest, xTrain);
  const ref = matmul(kTest, solveDense(add(kTrain, identity(10), ridge), data.yTrain));
  assert.ok(relErr(got.test, ref) < 1e-4, `after-kernel prediction vs Jacobian reference: ${relErr(got.test, ref)}`);
  let s = 0;
  for (let i = 0; i < 10; i++) s += (got.test.data[i] - data.yTest.data[i]) ** 2;
  assert.ok(Math.abs(got.testLoss - s / 10) < 1e-12);
});
