/**
 * docs/design.md §5 metrics against closed forms and against the training loop's own numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../src/backend/select.js';
import type { Dataset } from '../../../src/data/dataset.js';
import { circleInputs } from '../../../src/data/inputs.js';
import { makeMat, type Mat } from '../../../src/linalg/mat.js';
import { kernelDrift, kernelRelErr } from '../../../src/metrics/kernel.js';
import { mseLoss } from '../../../src/metrics/losses.js';
import { predGap } from '../../../src/metrics/pred-gap.js';
import { residualModeTable, residualProjections } from '../../../src/metrics/residual-modes.js';
import { kernelSpectrum } from '../../../src/metrics/spectra.js';
import { parameterChanges, weightChange } from '../../../src/metrics/weights.js';
import { forward } from '../../../src/model/mlp.js';
import { cloneParams, initParams } from '../../../src/model/params.js';
import type { MlpSpec } from '../../../src/model/spec.js';
import { train } from '../../../src/model/train.js';
import { analyticKernels } from '../../../src/ntk/analytic.js';
import { criticalLearningRate } from '../../../src/predict/critical-lr.js';
import { eigh } from '../../../src/predict/eigh.js';
import { add, iterateGd, randn, randomKernel, scale } from '../../helpers/predict-refs.js';
import { reluNtkSpec } from '../../helpers/relu-spec.js';

function sinTarget(x: Mat): Mat {
  return makeMat(
    x.rows,
    1,
    Array.from({ length: x.rows }, (_, i) => Math.sin(3 * Math.atan2(x.data[2 * i + 1], x.data[2 * i]))),
  );
}

test('kernel_rel_err and kernel_drift: relative Frobenius distances', () => {
  const k = randomKernel(10, 0, 20, 1).train;
  const e = randn(10, 10, 2, 'perturb');
  const pert = add(k, e, 0.01);
  let num = 0;
  let den = 0;
  for (let i = 0; i < 100; i++) {
    num += (0.01 * e.data[i]) ** 2;
    den += k.data[i] ** 2;
  }
  assert.ok(Math.abs(kernelRelErr(pert, k) - Math.sqrt(num / den)) < 1e-14);
  assert.ok(Math.abs(kernelDrift(scale(k, 1.25), k) - 0.25) < 1e-14);
  assert.equal(kernelRelErr(k, k), 0);
  assert.throws(() => kernelRelErr(k, makeMat(3, 3)), RangeError);
});

test('weight_change = ‖θ_t − θ₀‖/‖θ₀‖ over all layers', () => {
  const spec: MlpSpec = {
    inputDim: 3,
    width: 8,
    depth: 2,
    outputs: 2,
    activation: 'tanh',
    parameterization: 'ntk',
    wStd: 1,
    bStd: 0.5,
  };
  const p0 = initParams(spec, 3);
  const pt = cloneParams(p0);
  for (const w of [...pt.weights, ...pt.biases]) for (let i = 0; i < w.length; i++) w[i] *= 1.5;
  assert.ok(Math.abs(weightChange(p0, pt) - 0.5) < 1e-7);
  // Moving one bias entry by δ: change = |δ|/‖θ₀‖.
  const pb = cloneParams(p0);
  pb.biases[2][1] += 0.75;
  let s = 0;
  for (const w of [...p0.weights, ...p0.biases]) for (const v of w) s += v * v;
  assert.ok(Math.abs(weightChange(p0, pb) - 0.75 / Math.sqrt(s)) < 1e-7);
  assert.equal(weightChange(p0, p0), 0);
});

test('per layer and per role: ‖ΔW_l‖_F/‖W_l(0)‖_F, hidden layers together, null without a layer or a norm', () => {
  const spec: MlpSpec = {
    inputDim: 3,
    width: 6,
    depth: 3,
    outputs: 2,
    activation: 'relu',
    parameterization: 'ntk',
    wStd: 1,
    bStd: 0.5,
  };
  const p0 = initParams(spec, 5);
  const pt = cloneParams(p0);
  const factors = [1.1, 1.2, 1.3, 1.4]; // layer l scaled by factors[l]: its relative change is factors[l] − 1
  pt.weights.forEach((w, l) => w.forEach((v, i) => (w[i] = v * factors[l])));
  pt.biases.forEach((b, l) => b.forEach((v, i) => (b[i] = v * factors[l])));
  const c = parameterChanges(p0, pt);
  c.weights.forEach((r, l) => assert.ok(Math.abs(r! - (factors[l] - 1)) < 1e-6, `layer ${l}: ${r}`));
  c.biases.forEach((r, l) => assert.ok(Math.abs(r! - (factors[l] - 1)) < 1e-6, `bias ${l}: ${r}`));
  assert.ok(Math.abs(c.weightRoles.input! - 0.1) < 1e-6 && Math.abs(c.weightRoles.output! - 0.4) < 1e-6);
  // Hidden: W_1 and W_2 (6 × 6 each) together.
  const sq = (a: Float32Array) => a.reduce((s, v) => s + v * v, 0);
  const [n1, n2] = [sq(p0.weights[1]), sq(p0.weights[2])];
  const want = Math.sqrt((0.04 * n1 + 0.09 * n2) / (n1 + n2));
  assert.ok(Math.abs(c.weightRoles.hidden! - want) < 1e-6, `${c.weightRoles.hidden} vs ${want}`);
  assert.ok(Math.abs(c.total - weightChange(p0, pt)) === 0);

  const shallow = { ...spec, depth: 1, parameterization: 'standard' as const, bStd: 0 };
  const q0 = initParams(shallow, 1);
  const q = parameterChanges(q0, cloneParams(q0));
  assert.equal(q.weightRoles.hidden, null, 'depth 1 has no hidden matrix');
  assert.equal(q.biasRoles.input, null, 'σ_b = 0: the biases start at zero, no relative change');
  assert.equal(q.weightRoles.input, 0);
});

test('pred_gap: RMS over test points (k outputs) and relative to the RMS of f_NN', () => {
  const f = makeMat(2, 2, [3, 4, 0, 0]);
  const g = makeMat(2, 2, [3, 4, 1, 1]);
  const gap = predGap(f, g);
  assert.ok(Math.abs(gap.rms - Math.sqrt(2 / 2)) < 1e-15);
  assert.ok(Math.abs(gap.relative - 1 / Math.sqrt(25 / 2)) < 1e-15);
});

test('losses: mseLoss equals the loss train() logs', async () => {
  await selectBackend('wasm');
  const spec: MlpSpec = {
    inputDim: 2,
    width: 32,
    depth: 2,
    outputs: 2,
    activation: 'erf',
    parameterization: 'ntk',
    wStd: 1.5,
    bStd: 0.2,
  };
  const xTrain = circleInputs(12, 0, 'train');
  const xTest = circleInputs(5, 0, 'test');
  const y2 = (x: Mat): Mat =>
    makeMat(
      x.rows,
      2,
      Array.from({ length: 2 * x.rows }, (_, i) => (i % 2 ? x.data[i] : x.data[i] ** 2)),
    );
  const data: Dataset = { xTrain, yTrain: y2(xTrain), xTest, yTest: y2(xTest) };
  const p0 = initParams(spec, 1);
  const res = await train(p0, data, { lr: 0.5, steps: 3, logEvery: 3 });
  const l0 = mseLoss(await forward(p0, xTrain), data.yTrain);
  const l3 = mseLoss(await forward(res.params, xTest), data.yTest);
  assert.ok(Math.abs(res.log[0].trainLoss - l0) / l0 < 1e-5, `${res.log[0].trainLoss} vs ${l0}`);
  assert.ok(Math.abs(res.log[1].testLoss - l3) / l3 < 1e-5, `${res.log[1].testLoss} vs ${l3}`);
});

test('spectra: top eigenvalues and condition number of a known spectrum', () => {
  const d = makeMat(4, 4);
  [2, 9, 0.5, 4].forEach((v, i) => (d.data[i * 4 + i] = v));
  const s = kernelSpectrum(d, 3);
  assert.deepEqual(Array.from(s.top), [9, 4, 2]);
  assert.equal(s.lambdaMax, 9);
  assert.equal(s.lambdaMin, 0.5);
  assert.equal(s.condition, 18);
  d.data[10] = 0;
  assert.equal(kernelSpectrum(d).condition, Infinity);
});

test('residual modes: on the linearised dynamics the projections decay exactly as |1 − ηλ_i/N|^t', () => {
  const n = 12;
  const ker = randomKernel(n, 0, 20, 5);
  const y = randn(n, 2, 6, 'y');
  const f0 = randn(n, 2, 7, 'f0');
  const eig = eigh(ker.train);
  const lr = 0.9 * criticalLearningRate(ker.train); // top mode overshoots: sign flips are absorbed by |·|
  const steps = [0, 1, 4, 30];
  const it = iterateGd(ker.train, makeMat(0, n), y, f0, makeMat(0, 2), lr, steps);
  const rows = residualModeTable(
    eig,
    steps.map((step, i) => ({ step, residual: add(it.train[i], y, -1) })),
    lr,
    5,
  );
  assert.equal(rows.length, steps.length * 5);
  for (const r of rows) {
    assert.ok(
      Math.abs(r.observed - r.predicted) <= 1e-10 * (1 + r.predicted),
      `step ${r.step} mode ${r.mode}: ${r.observed} vs ${r.predicted}`,
    );
    assert.equal(r.eigenvalue, eig.values[r.mode]);
  }
  // Projections are coordinates in an orthonormal basis: all N of them keep the residual's norm.
  const r0 = add(f0, y, -1);
  const all = residualProjections(eig, r0, n);
  assert.ok(Math.abs(Math.hypot(...all) - Math.hypot(...r0.data)) < 1e-12 * Math.hypot(...r0.data));
});

test('residual modes of a wide real network follow the Θ_∞ prediction (top modes)', async () => {
  await selectBackend('wasm');
  const spec = reluNtkSpec(2, 1024, 2);
  const xTrain = circleInputs(16, 2, 'train');
  const data: Dataset = { xTrain, yTrain: sinTarget(xTrain), xTest: makeMat(0, 2), yTest: makeMat(0, 1) };
  const theta = analyticKernels(spec, xTrain).ntk;
  const eig = eigh(theta);
  const lr = 0.5 * criticalLearningRate(theta);
  const snaps = [0, 2, 5, 20];
  const residuals: { step: number; residual: Mat }[] = [];
  const p0 = initParams(spec, 0);
  await train(p0, data, {
    lr,
    steps: 20,
    logEvery: 20,
    snapshotSteps: snaps,
    onSnapshot: async (step, p) => {
      residuals.push({ step, residual: add(await forward(p, xTrain), data.yTrain, -1) });
    },
  });
  const rows = residualModeTable(eig, residuals, lr, 4);
  const norm0 = Math.hypot(...residuals[0].residual.data);
  for (const r of rows) {
    assert.ok(
      Math.abs(r.observed - r.predicted) < 0.05 * norm0,
      `step ${r.step} mode ${r.mode}: ${r.observed} vs ${r.predicted}`,
    );
  }
  // The top mode is learnt first: after 5 steps it has decayed by more than the 4th.
  const at5 = rows.filter((r) => r.step === 5);
  const first = rows.filter((r) => r.step === 0);
  assert.ok(at5[0].observed / first[0].observed < at5[3].observed / first[3].observed);
});
