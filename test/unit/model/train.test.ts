/**
 * Full-batch gradient descent (src/model/train.ts): gradients against TensorFlow.js autodiff and
 * finite differences, the update rule, loss decrease, divergence handling, tensor hygiene,
 * snapshots and resuming.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '../../../src/backend/gradients.js';
import { selectBackend } from '../../../src/backend/select.js';
import { matToTensor } from '../../../src/backend/convert.js';
import type { Dataset } from '../../../src/data/dataset.js';
import { circleInputs } from '../../../src/data/inputs.js';
import { makeMat, type Mat } from '../../../src/linalg/mat.js';
import { tfActivation } from '../../../src/model/activations.js';
import { lossGradients } from '../../../src/model/gradients.js';
import { disposeTfParams, forward, paramsToTensors } from '../../../src/model/mlp.js';
import { flattenParams, initParams, type MlpParams } from '../../../src/model/params.js';
import { ACTIVATIONS, layerSizes, type MlpSpec } from '../../../src/model/spec.js';
import { train, type TrainLogEntry } from '../../../src/model/train.js';
import { reluNtkSpec } from '../../helpers/relu-spec.js';

await selectBackend('wasm');

function spec(over: Partial<MlpSpec> = {}): MlpSpec {
  return { ...reluNtkSpec(2, 32, 2), ...over };
}

/** Circle inputs with targets sin(3γ) (and cos(2γ) for a second output). */
function circleData(n: number, nTest: number, outputs = 1, seed = 0): Dataset {
  const target = (x: Mat): Mat => {
    const y = makeMat(x.rows, outputs);
    for (let i = 0; i < x.rows; i++) {
      const g = Math.atan2(x.data[2 * i + 1], x.data[2 * i]);
      y.data[i * outputs] = Math.sin(3 * g);
      if (outputs > 1) y.data[i * outputs + 1] = Math.cos(2 * g);
    }
    return y;
  };
  const xTrain = circleInputs(n, seed, 'train');
  const xTest = circleInputs(nTest, seed, 'test');
  return { xTrain, yTrain: target(xTrain), xTest, yTest: target(xTest) };
}

/** L(θ) = 1/(2N) Σ‖f − y‖² in float64 from forward(). */
async function loss64(p: MlpParams, x: Mat, y: Mat): Promise<number> {
  const f = await forward(p, x);
  let s = 0;
  for (let i = 0; i < f.data.length; i++) s += (f.data[i] - y.data[i]) ** 2;
  return s / (2 * x.rows);
}

/** ∇L by TensorFlow.js autodiff of a forward pass written here from docs/design.md §2 (not src/model/mlp.ts). */
function autodiffGrad(p: MlpParams, x: Mat, y: Mat): Float64Array {
  const s = p.spec;
  const sizes = layerSizes(s);
  const act = tfActivation(s.activation);
  const theta: tf.Tensor[] = [];
  for (let l = 0; l <= s.depth; l++) {
    theta.push(tf.tensor2d(p.weights[l], [sizes[l], sizes[l + 1]]), tf.tensor1d(p.biases[l]));
  }
  const xt = matToTensor(x);
  const yt = matToTensor(y);
  const lossFn = (...t: tf.Tensor[]): tf.Tensor => {
    let h: tf.Tensor = xt;
    for (let l = 0; l <= s.depth; l++) {
      const ntk = s.parameterization === 'ntk';
      const a = ntk ? s.wStd / Math.sqrt(sizes[l]) : 1;
      const c = ntk ? s.bStd : 1;
      const z = tf.add(tf.mul(tf.matMul(h as tf.Tensor2D, t[2 * l] as tf.Tensor2D), a), tf.mul(t[2 * l + 1], c));
      h = l < s.depth ? act.phi(z) : z;
    }
    return tf.div(tf.sum(tf.square(tf.sub(h, yt))), 2 * x.rows);
  };
  const grads = tf.grads(lossFn)(theta);
  const out = new Float64Array(grads.reduce((n, g) => n + g.size, 0));
  let o = 0;
  for (const g of grads) {
    out.set(g.dataSync(), o);
    o += g.size;
  }
  tf.dispose([...grads, ...theta, xt, yt]);
  return out;
}

function explicitGrad(p: MlpParams, x: Mat, y: Mat): Float64Array {
  const tp = paramsToTensors(p);
  const xt = matToTensor(x);
  const yt = matToTensor(y);
  const g = lossGradients(p.spec, tp, xt, yt, tfActivation(p.spec.activation));
  const parts: Float32Array[] = [];
  for (let l = 0; l <= p.spec.depth; l++)
    parts.push(g.dW[l].dataSync() as Float32Array, g.db[l].dataSync() as Float32Array);
  tf.dispose([...g.dW, ...g.db, xt, yt]);
  disposeTfParams(tp);
  const out = new Float64Array(parts.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of parts) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

function relErr(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

test('explicit backward pass equals TensorFlow.js autodiff (all activations, both parameterizations, k = 2)', () => {
  const data = circleData(9, 0, 2);
  for (const activation of ACTIVATIONS) {
    for (const parameterization of ['ntk', 'standard'] as const) {
      const p = initParams(spec({ activation, parameterization, outputs: 2, width: 12, depth: 3 }), 5);
      const err = relErr(explicitGrad(p, data.xTrain, data.yTrain), autodiffGrad(p, data.xTrain, data.yTrain));
      assert.ok(err < 1e-5, `${activation} ${parameterization}: relative difference ${err}`);
    }
  }
});

test('gradient agrees with central finite differences of the float64 loss', async () => {
  const data = circleData(6, 0);
  const p = initParams(spec({ activation: 'tanh', width: 5, depth: 2, bStd: 0.5 }), 2);
  const g = explicitGrad(p, data.xTrain, data.yTrain);
  const theta = flattenParams(p);
  const eps = 1e-2;
  for (const q of [0, 3, 9, 12, 20, 33, theta.length - 2, theta.length - 1]) {
    const fd =
      ((await loss64(shift(p, q, eps), data.xTrain, data.yTrain)) -
        (await loss64(shift(p, q, -eps), data.xTrain, data.yTrain))) /
      (2 * eps);
    assert.ok(
      Math.abs(fd - g[q]) < 1e-3 * Math.max(1, Math.abs(g[q])),
      `θ_${q}: finite difference ${fd} vs gradient ${g[q]}`,
    );
  }
});

test('one step is θ − η∇L with the autodiff gradient', async () => {
  const data = circleData(16, 4);
  const p0 = initParams(spec({ activation: 'erf' }), 1);
  const lr = 0.7;
  const res = await train(p0, data, { lr, steps: 1, logEvery: 1 });
  const want = flattenParams(p0).map((v, i) => v - lr * autodiffGrad(p0, data.xTrain, data.yTrain)[i]);
  const got = flattenParams(res.params);
  assert.ok(relErr(got, want) < 1e-6, `relative difference ${relErr(got, want)}`);
});

test('loss decreases monotonically for a small learning rate; logged steps are 0, multiples and the last', async () => {
  const data = circleData(32, 32);
  const res = await train(initParams(spec({ width: 64 }), 3), data, { lr: 0.5, steps: 205, logEvery: 20 });
  assert.equal(res.status, 'ok');
  assert.deepEqual(
    res.log.map((e) => e.step),
    [0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 205],
  );
  for (let i = 1; i < res.log.length; i++)
    assert.ok(res.log[i].trainLoss <= res.log[i - 1].trainLoss, `step ${res.log[i].step}`);
  assert.ok(res.log.at(-1)!.trainLoss < 0.5 * res.log[0].trainLoss, JSON.stringify(res.log));
  assert.ok(res.log.every((e) => Number.isFinite(e.testLoss)));
  // The logged losses are the losses of the parameters at that step.
  const final = await loss64(res.params, data.xTrain, data.yTrain);
  assert.ok(Math.abs(final - res.log.at(-1)!.trainLoss) < 1e-5 * final + 1e-7);
  const finalTest = await loss64(res.params, data.xTest, data.yTest);
  assert.ok(Math.abs(finalTest - res.log.at(-1)!.testLoss) < 1e-5 * finalTest + 1e-7);
});

test('a forced divergence records its exact step, the one a step-by-step replay finds, without throwing', async () => {
  const data = circleData(16, 8);
  const params = initParams(spec(), 4);
  // Far above η_crit (no catapult back): the loss overflows float32 after a few steps, between two logged steps.
  const lr = 10;
  const every = 5;
  const res = await train(params, data, { lr, steps: 500, logEvery: every });
  assert.equal(res.status, 'diverged');
  const s = res.divergedAtStep!;
  // The replay: the same run reading the loss back at every step, as float64 numbers in JavaScript.
  const replay = await train(params, data, { lr, steps: 500, logEvery: 1 });
  const firstBad = replay.log.findIndex((e) => !Number.isFinite(e.trainLoss));
  assert.ok(firstBad > 0, 'the replay diverges too');
  assert.equal(replay.divergedAtStep, replay.log[firstBad].step);
  assert.equal(s, replay.log[firstBad].step, 'the exact step equals the replay’s');
  assert.ok(s % every !== 0, `diverged at ${s}: between logged steps, so the old log-step answer would differ`);
  assert.ok(replay.log.slice(0, firstBad).every((e) => Number.isFinite(e.trainLoss)));
  // The logged run stops at the first logged step after s, with finite losses logged before it.
  const last = res.log.at(-1)!;
  assert.equal(last.step, Math.ceil(s / every) * every);
  assert.equal(res.lastStep, last.step);
  assert.ok(res.log.slice(0, -1).every((e) => Number.isFinite(e.trainLoss)));
});

test('tensor count stays flat across steps and returns to its start value', async () => {
  const data = circleData(16, 8);
  const before = tf.memory().numTensors;
  const counts: number[] = [];
  const snapCounts: number[] = [];
  await train(initParams(spec(), 5), data, {
    lr: 0.3,
    steps: 60,
    logEvery: 7,
    snapshotSteps: [0, 30, 60],
    onLog: () => void counts.push(tf.memory().numTensors),
    onSnapshot: () => void snapCounts.push(tf.memory().numTensors),
  });
  assert.ok(counts.length >= 9);
  // At every log step before the last the step's gradients are alive too; the last step has none.
  const inLoop = counts.slice(0, -1);
  assert.ok(
    inLoop.every((c) => c === inLoop[0]),
    `numTensors at log steps: ${counts.join(', ')}`,
  );
  assert.ok(
    snapCounts.every((c) => c === snapCounts[0]),
    `numTensors at snapshots: ${snapCounts.join(', ')}`,
  );
  assert.equal(tf.memory().numTensors, before);
});

test('snapshots carry θ at their step; resuming from a snapshot reproduces the uninterrupted run', async () => {
  const data = circleData(16, 8, 2);
  const p0 = initParams(spec({ outputs: 2, activation: 'gelu' }), 6);
  const snaps = new Map<number, MlpParams>();
  const full = await train(p0, data, {
    lr: 0.4,
    steps: 20,
    logEvery: 5,
    snapshotSteps: [0, 7, 20],
    onSnapshot: (step, p) => void snaps.set(step, p),
  });
  assert.deepEqual([...snaps.keys()], [0, 7, 20]);
  assert.deepEqual(flattenParams(snaps.get(0)!), flattenParams(p0));
  assert.deepEqual(flattenParams(snaps.get(20)!), flattenParams(full.params));
  // Resuming mid-way between log steps logs exactly what the uninterrupted run logged from there on.
  const resumed = await train(snaps.get(7)!, data, { lr: 0.4, steps: 20, logEvery: 5, startStep: 7 });
  assert.deepEqual(flattenParams(resumed.params), flattenParams(full.params));
  const tail: TrainLogEntry[] = full.log.filter((e) => e.step >= 7);
  assert.deepEqual(
    tail.map((e) => e.step),
    [10, 15, 20],
  );
  assert.deepEqual(resumed.log, tail);
});

function shift(p: MlpParams, q: number, eps: number): MlpParams {
  const weights = p.weights.map((w) => Float32Array.from(w));
  const biases = p.biases.map((b) => Float32Array.from(b));
  let o = q;
  for (let l = 0; l < weights.length; l++) {
    if (o < weights[l].length) return ((weights[l][o] += eps), { spec: p.spec, weights, biases });
    o -= weights[l].length;
    if (o < biases[l].length) return ((biases[l][o] += eps), { spec: p.spec, weights, biases });
    o -= biases[l].length;
  }
  throw new RangeError(`parameter ${q} out of range`);
}
