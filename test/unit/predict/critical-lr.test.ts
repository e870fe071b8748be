/**
 * docs/design.md §4: η_crit = 2N/λ_max(Θ_∞). Checked against an independent λ_max (power iteration), against
 * the linearised dynamics it is derived from (the top residual mode shrinks just below η_crit and
 * grows just above), and on real networks: above η_crit a run is flagged, far above it diverges
 * with status 'diverged' and the step (no exception), well below it trains normally. Between
 * η_crit and the divergence threshold a finite ReLU network may instead catapult (Lewkowycz et al.
 * 2020, arXiv:2003.02218), so divergence is asserted only where the theory says it must happen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../src/backend/select.js';
import type { Dataset } from '../../../src/data/dataset.js';
import { circleInputs } from '../../../src/data/inputs.js';
import { makeMat, type Mat } from '../../../src/linalg/mat.js';
import { initParams } from '../../../src/model/params.js';
import type { MlpSpec } from '../../../src/model/spec.js';
import { train } from '../../../src/model/train.js';
import { analyticKernels } from '../../../src/ntk/analytic.js';
import { criticalLearningRate, learningRateFlag } from '../../../src/predict/critical-lr.js';
import { gdPrediction } from '../../../src/predict/gd-prediction.js';
import { matmul, randn } from '../../helpers/predict-refs.js';

function sinTarget(x: Mat): Mat {
  return makeMat(
    x.rows,
    1,
    Array.from({ length: x.rows }, (_, i) => Math.sin(3 * Math.atan2(x.data[2 * i + 1], x.data[2 * i]))),
  );
}

/** λ_max by power iteration (independent of the eigensolver). */
function powerLambdaMax(a: Mat): number {
  let v = randn(a.rows, 1, 99, 'power');
  let lam = 0;
  for (let i = 0; i < 2000; i++) {
    const w = matmul(a, v);
    const norm = Math.hypot(...w.data);
    lam = norm / Math.hypot(...v.data);
    v = makeMat(
      w.rows,
      1,
      w.data.map((x) => x / norm),
    );
  }
  return lam;
}

const spec = (activation: MlpSpec['activation'], width: number): MlpSpec => ({
  inputDim: 2,
  width,
  depth: 2,
  outputs: 1,
  activation,
  parameterization: 'ntk',
  wStd: Math.SQRT2,
  bStd: 0.1,
});

function circleData(n: number): Dataset {
  const xTrain = circleInputs(n, 0, 'train');
  const xTest = circleInputs(16, 0, 'test');
  return { xTrain, yTrain: sinTarget(xTrain), xTest, yTest: sinTarget(xTest) };
}

test('η_crit = 2N/λ_max(Θ_∞): independent λ_max, and the linearised dynamics turn over exactly there', () => {
  const data = circleData(32);
  const theta = analyticKernels(spec('relu', 1), data.xTrain).ntk;
  const etaCrit = criticalLearningRate(theta);
  const lamMax = powerLambdaMax(theta);
  assert.ok(
    Math.abs(etaCrit - (2 * 32) / lamMax) / etaCrit < 1e-9,
    `η_crit ${etaCrit} vs 2N/λ_max ${(2 * 32) / lamMax}`,
  );
  // Residual after many steps from f₀ = 0: bounded just below η_crit, exploding just above.
  const f0 = makeMat(32, 1);
  const at = (factor: number): number => {
    const p = gdPrediction({
      thetaTrain: theta,
      yTrain: data.yTrain,
      fTrain0: f0,
      lr: factor * etaCrit,
      steps: [2000],
    });
    let s = 0;
    for (let i = 0; i < 32; i++) s += (p.train[0].data[i] - data.yTrain.data[i]) ** 2;
    return Math.sqrt(s);
  };
  const r0 = Math.hypot(...data.yTrain.data);
  assert.ok(at(0.99) <= r0, 'below η_crit the residual does not grow');
  assert.ok(at(1.01) > 1e3 * r0, 'above η_crit the top mode grows geometrically');
  assert.equal(learningRateFlag(1.01 * etaCrit, etaCrit), 'above_critical');
  assert.equal(learningRateFlag(0.99 * etaCrit, etaCrit), undefined);
  assert.equal(learningRateFlag(etaCrit, etaCrit), undefined);
  assert.equal(criticalLearningRate(makeMat(2, 2)), Infinity);
  assert.throws(() => criticalLearningRate(makeMat(2, 3)), RangeError);
});

test('real networks: above η_crit flagged; far above it training diverges with a step, well below it does not', async () => {
  await selectBackend('wasm');
  const data = circleData(32);
  const steps = 200;
  // erf diverges at 3 η_crit; ReLU networks catapult well beyond it (measured: still converging
  // at 3 η_crit, diverging at 5 η_crit), so ReLU is driven at 10 η_crit.
  for (const [activation, factor] of [
    ['erf', 3],
    ['relu', 10],
  ] as const) {
    const s = spec(activation, 256);
    const etaCrit = criticalLearningRate(analyticKernels(s, data.xTrain).ntk);
    const high = factor * etaCrit;
    assert.equal(learningRateFlag(high, etaCrit), 'above_critical');
    const bad = await train(initParams(s, 0), data, { lr: high, steps, logEvery: 10 });
    assert.equal(bad.status, 'diverged', `${activation} at ${factor} η_crit`);
    assert.ok(bad.divergedAtStep !== undefined && bad.divergedAtStep > 0 && bad.divergedAtStep <= steps);
    // The exact step is kept on the device; the run stops at the next logged step (src/model/train.ts).
    const last = bad.log.at(-1)!;
    assert.ok(
      last.step >= bad.divergedAtStep! && last.step < bad.divergedAtStep! + 10,
      `stopped at ${last.step}, diverged at ${bad.divergedAtStep}`,
    );
    assert.ok(!Number.isFinite(last.trainLoss));

    const low = 0.5 * etaCrit;
    assert.equal(learningRateFlag(low, etaCrit), undefined);
    const good = await train(initParams(s, 0), data, { lr: low, steps, logEvery: 10 });
    assert.equal(good.status, 'ok', `${activation} at 0.5 η_crit`);
    assert.equal(good.divergedAtStep, undefined);
    assert.ok(good.log.every((e) => Number.isFinite(e.trainLoss)));
    assert.ok(good.log.at(-1)!.trainLoss < 0.1 * good.log[0].trainLoss, 'the loss falls');
  }
});
