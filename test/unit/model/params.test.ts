/** Initial parameters (src/model/params.ts) and the forward pass (src/model/mlp.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../src/backend/select.js';
import { gaussianInputs } from '../../../src/data/inputs.js';
import { relFrobenius, type Mat } from '../../../src/linalg/mat.js';
import { activation } from '../../../src/activations/index.js';
import { forward } from '../../../src/model/mlp.js';
import { flattenParams, initParams, paramCount, type MlpParams } from '../../../src/model/params.js';
import { ACTIVATIONS, layerSizes, type MlpSpec } from '../../../src/model/spec.js';

await selectBackend('wasm');

const base: MlpSpec = {
  inputDim: 3,
  width: 256,
  depth: 2,
  outputs: 2,
  activation: 'relu',
  parameterization: 'ntk',
  wStd: 1.7,
  bStd: 0.3,
};

function moments(a: Float32Array): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (const v of a) {
    s += v;
    s2 += v * v;
  }
  const mean = s / a.length;
  return { mean, variance: s2 / a.length - mean * mean };
}

test('shapes follow layerSizes; flattenParams is W⁰, b⁰, W¹, b¹, … of length P', () => {
  const p = initParams(base, 0);
  const sizes = layerSizes(base);
  assert.equal(p.weights.length, base.depth + 1);
  for (let l = 0; l <= base.depth; l++) {
    assert.equal(p.weights[l].length, sizes[l] * sizes[l + 1]);
    assert.equal(p.biases[l].length, sizes[l + 1]);
  }
  const flat = flattenParams(p);
  assert.equal(flat.length, paramCount(base));
  assert.equal(flat[0], p.weights[0][0]);
  assert.equal(flat[p.weights[0].length], p.biases[0][0]);
  assert.equal(flat[flat.length - 1], p.biases[base.depth][base.outputs - 1]);
});

test('seeded: same seed same values, other seed other values, layers independent of other layer sizes', () => {
  assert.deepEqual(flattenParams(initParams(base, 7)), flattenParams(initParams(base, 7)));
  assert.notDeepEqual(initParams(base, 7).weights[1], initParams(base, 8).weights[1]);
  // The output layer's draws depend only on its own shape: same stream for a deeper input layer.
  const wide = initParams({ ...base, inputDim: 5 }, 7);
  assert.deepEqual(wide.weights[1], initParams(base, 7).weights[1]);
});

test('ntk entries are N(0, 1); standard entries N(0, σ_w²/n_l) and N(0, σ_b²)', () => {
  const ntk = initParams(base, 1);
  const std = initParams({ ...base, parameterization: 'standard' }, 1);
  const w = moments(ntk.weights[1]); // 65536 draws: s.e. of the variance ≈ 0.0055
  assert.ok(Math.abs(w.mean) < 0.02 && Math.abs(w.variance - 1) < 0.03, JSON.stringify(w));
  const ws = moments(std.weights[1]);
  const want = base.wStd ** 2 / base.width;
  assert.ok(Math.abs(ws.variance / want - 1) < 0.03, JSON.stringify(ws));
  const bs = moments(std.biases[0]);
  assert.ok(Math.abs(bs.variance / base.bStd ** 2 - 1) < 0.3, JSON.stringify(bs)); // 256 draws
});

test('forward matches a float64 reference and is the same function in both parameterizations', async () => {
  const x = gaussianInputs(5, 3, 2);
  for (const activation of ACTIVATIONS) {
    const s = { ...base, width: 32, activation };
    const ntk = initParams(s, 3);
    const got = await forward(ntk, x);
    assert.ok(relFrobenius(got, reference(ntk, x)) < 1e-5, activation);
    // Standard weights are the NTK draws times σ_w/√n_l (the same streams), so f is unchanged.
    const std = await forward(initParams({ ...s, parameterization: 'standard' }, 3), x);
    assert.ok(relFrobenius(std, got) < 1e-5, `${activation}: ntk vs standard ${relFrobenius(std, got)}`);
  }
});

test('forward rejects inputs of the wrong dimension', async () => {
  await assert.rejects(forward(initParams(base, 0), gaussianInputs(2, 4, 0)), /input dimension is 3/);
});

/** z = (σ_w/√n) h W + σ_b b in float64 with the activations written out in JavaScript. */
function reference(p: MlpParams, x: Mat): Mat {
  const s = p.spec;
  const sizes = layerSizes(s);
  const phi = (v: number): number => {
    switch (s.activation) {
      case 'relu':
        return Math.max(0, v);
      case 'erf':
        return erf(v);
      case 'tanh':
        return Math.tanh(v);
      case 'gelu':
        return 0.5 * v * (1 + erf(v / Math.SQRT2));
      case 'softplus':
        return Math.log1p(Math.exp(v));
      case 'sin':
        return Math.sin(v);
      // Any other activation: its float64 φ, which its own test checks against its definition.
      default:
        return activation(s.activation).scalar.phi(v);
    }
  };
  let h = Array.from({ length: x.rows }, (_, i) => Array.from(x.data.slice(i * x.cols, (i + 1) * x.cols)));
  for (let l = 0; l <= s.depth; l++) {
    const a = s.wStd / Math.sqrt(sizes[l]);
    h = h.map((row) => {
      const z = new Array<number>(sizes[l + 1]).fill(0);
      for (let j = 0; j < sizes[l + 1]; j++) {
        let acc = 0;
        for (let i = 0; i < sizes[l]; i++) acc += row[i] * p.weights[l][i * sizes[l + 1] + j];
        z[j] = a * acc + s.bStd * p.biases[l][j];
      }
      return l < s.depth ? z.map(phi) : z;
    });
  }
  return { rows: x.rows, cols: s.outputs, data: Float64Array.from(h.flat()) };
}

/** erf in float64: the Maclaurin series for |v| < 3, the erfc continued fraction beyond. */
function erf(v: number): number {
  if (Math.abs(v) >= 3) return Math.sign(v) * (1 - erfcLarge(Math.abs(v)));
  let term = v;
  let sum = v;
  for (let n = 1; n < 200; n++) {
    term *= (-v * v) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

function erfcLarge(v: number): number {
  // Continued fraction for erfc (v ≥ 3), 60 terms.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (v + f);
  return Math.exp(-v * v) / Math.sqrt(Math.PI) / (v + f);
}
