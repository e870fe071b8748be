/**
 * docs/design.md §4–§5: real ReLU networks trained by gradient descent approach their linearisations as
 * the width n grows (Lee et al. 2019, arXiv:1902.06720, Thm 2.1: sup_t ‖f_t^NN − f_t^lin‖ =
 * O(n^{−1/2})). pred_gap_linear (Θ̂₀) and pred_gap_analytic (Θ_∞, with the network's own f₀)
 * must both fall with width, seed-averaged, and roughly like n^{−1/2}.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../src/backend/select.js';
import type { Dataset } from '../../src/data/dataset.js';
import { circleInputs } from '../../src/data/inputs.js';
import { makeMat, type Mat } from '../../src/linalg/mat.js';
import { predGap } from '../../src/metrics/pred-gap.js';
import { forward } from '../../src/model/mlp.js';
import { initParams } from '../../src/model/params.js';
import { train } from '../../src/model/train.js';
import { analyticKernels } from '../../src/ntk/analytic.js';
import { empiricalNtk } from '../../src/ntk/empirical.js';
import { criticalLearningRate } from '../../src/predict/critical-lr.js';
import { gdPrediction } from '../../src/predict/gd-prediction.js';
import { reluNtkSpec } from '../helpers/relu-spec.js';

function sinTarget(x: Mat): Mat {
  return makeMat(
    x.rows,
    1,
    Array.from({ length: x.rows }, (_, i) => Math.sin(3 * Math.atan2(x.data[2 * i + 1], x.data[2 * i]))),
  );
}

test('pred_gap_linear and pred_gap_analytic shrink with width (128, 512, 2048; 3 seeds)', async () => {
  await selectBackend('wasm');
  const xTrain = circleInputs(16, 0, 'train');
  const xTest = circleInputs(16, 0, 'test');
  const data: Dataset = { xTrain, yTrain: sinTarget(xTrain), xTest, yTest: sinTarget(xTest) };
  const base = reluNtkSpec(2, 0, 2);
  const inf = analyticKernels(base, xTrain);
  const infTest = analyticKernels(base, xTest, xTrain);
  const lr = 0.5 * criticalLearningRate(inf.ntk);
  const steps = 80;
  const widths = [128, 512, 2048];
  const seeds = [0, 1, 2];
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const rows: { width: number; analytic: number; linear: number; relLinear: number }[] = [];
  for (const width of widths) {
    const analytic: number[] = [];
    const linear: number[] = [];
    const relLinear: number[] = [];
    for (const seed of seeds) {
      const p0 = initParams({ ...base, width }, seed);
      const f0 = await forward(p0, xTrain);
      const fs0 = await forward(p0, xTest);
      const th0 = await empiricalNtk(p0, xTrain);
      const th0Test = await empiricalNtk(p0, xTest, xTrain);
      const res = await train(p0, data, { lr, steps, logEvery: steps });
      assert.equal(res.status, 'ok');
      const fNN = await forward(res.params, xTest);
      const common = { yTrain: data.yTrain, fTrain0: f0, fTest0: fs0, lr, steps: [steps] };
      const fA = gdPrediction({ ...common, thetaTrain: inf.ntk, thetaTestTrain: infTest.ntk }).test![0];
      const fL = gdPrediction({ ...common, thetaTrain: th0, thetaTestTrain: th0Test }).test![0];
      analytic.push(predGap(fNN, fA).rms);
      const gl = predGap(fNN, fL);
      linear.push(gl.rms);
      relLinear.push(gl.relative);
    }
    rows.push({ width, analytic: mean(analytic), linear: mean(linear), relLinear: mean(relLinear) });
  }
  console.table(rows);
  for (let i = 1; i < rows.length; i++) {
    assert.ok(
      rows[i].analytic < rows[i - 1].analytic,
      `pred_gap_analytic: width ${rows[i].width} ≥ width ${rows[i - 1].width}`,
    );
    assert.ok(
      rows[i].linear < rows[i - 1].linear,
      `pred_gap_linear: width ${rows[i].width} ≥ width ${rows[i - 1].width}`,
    );
    assert.ok(rows[i].relLinear < rows[i - 1].relLinear, 'relative pred_gap_linear');
  }
  // Log-log slope over the 16× range of widths: theory −1/2; 3 seeds leave room either side.
  const slope = (key: 'analytic' | 'linear'): number =>
    Math.log(rows[2][key] / rows[0][key]) / Math.log(widths[2] / widths[0]);
  for (const key of ['analytic', 'linear'] as const) {
    const s = slope(key);
    assert.ok(s > -1 && s < -0.25, `${key} slope ${s.toFixed(2)} not near −1/2`);
  }
});
