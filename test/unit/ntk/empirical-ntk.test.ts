/**
 * The structured empirical NTK (src/ntk/empirical.ts) against the autodiff Jacobian contraction
 * (src/ntk/jacobian.ts) over activations, depths, parameterizations, output counts and x2 ≠ x1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../src/backend/select.js';
import { gaussianInputs } from '../../../src/data/inputs.js';
import { relFrobenius, type Mat } from '../../../src/linalg/mat.js';
import { initParams } from '../../../src/model/params.js';
import { ACTIVATIONS, PARAMETERIZATIONS, type MlpSpec } from '../../../src/model/spec.js';
import { empiricalNtk } from '../../../src/ntk/empirical.js';
import { jacobian, jacobianNtk } from '../../../src/ntk/jacobian.js';
import { forward } from '../../../src/model/mlp.js';
import { flattenParams } from '../../../src/model/params.js';

await selectBackend('wasm');

function spec(over: Partial<MlpSpec>): MlpSpec {
  return {
    inputDim: 3,
    width: 24,
    depth: 2,
    outputs: 1,
    activation: 'relu',
    parameterization: 'ntk',
    wStd: 1.3,
    bStd: 0.4,
    ...over,
  };
}

test('structured empirical NTK equals the Jacobian contraction (≤ 1e-5 rel. Frobenius)', async () => {
  const x1 = gaussianInputs(7, 3, 1);
  const x2 = gaussianInputs(5, 3, 2);
  let worst = 0;
  let i = 0;
  for (const activation of ACTIVATIONS) {
    for (const parameterization of PARAMETERIZATIONS) {
      for (const outputs of [1, 3]) {
        const depth = 1 + (i++ % 3);
        const s = spec({ activation, parameterization, outputs, depth });
        const p = initParams(s, 10 + i);
        for (const other of [undefined, x2]) {
          const got = await empiricalNtk(p, x1, other);
          const want = await jacobianNtk(p, x1, other);
          assert.equal(got.rows, 7);
          assert.equal(got.cols, other ? 5 : 7);
          const err = relFrobenius(got, want);
          worst = Math.max(worst, err);
          assert.ok(
            err <= 1e-5,
            `${activation} ${parameterization} depth ${depth} k=${outputs} ${other ? 'x2≠x1' : 'x1'}: ${err}`,
          );
        }
      }
    }
  }
  console.log(`worst relative Frobenius difference: ${worst.toExponential(2)}`);
});

test('the output-averaged kernel is the mean of the per-output Jacobian Grams', async () => {
  // An independent look at the k > 1 convention: (1/k) Σ_i J_i J_iᵀ from jacobian() directly.
  const s = spec({ outputs: 2, activation: 'tanh' });
  const p = initParams(s, 3);
  const x = gaussianInputs(4, 3, 5);
  const got = await empiricalNtk(p, x);
  const j0 = await jacobian(p, x, 0);
  const j1 = await jacobian(p, x, 1);
  const want = new Float64Array(16);
  for (let a = 0; a < 4; a++) {
    for (let b = 0; b < 4; b++) {
      let s0 = 0;
      let s1 = 0;
      for (let q = 0; q < j0.cols; q++) {
        s0 += j0.data[a * j0.cols + q] * j0.data[b * j0.cols + q];
        s1 += j1.data[a * j1.cols + q] * j1.data[b * j1.cols + q];
      }
      want[a * 4 + b] = (s0 + s1) / 2;
    }
  }
  assert.ok(relFrobenius(got, { rows: 4, cols: 4, data: want }) < 1e-5);
});

test('the Jacobian is the derivative of forward() (central finite differences in θ)', async () => {
  // Ties the autodiff reference (and its per-op rules) to the network actually evaluated.
  const eps = 1e-2;
  for (const activation of ACTIVATIONS) {
    const s = spec({ width: 6, depth: 2, activation, outputs: 2 });
    const p = initParams(s, 4);
    const x = gaussianInputs(3, 3, 6);
    const j = await jacobian(p, x, 1);
    const theta = flattenParams(p);
    for (const q of [0, 5, 17, 20, 40, 60, theta.length - 1]) {
      const plus = await forward(perturb(p, q, eps), x);
      const minus = await forward(perturb(p, q, -eps), x);
      for (let n = 0; n < 3; n++) {
        const fd = (plus.data[n * 2 + 1] - minus.data[n * 2 + 1]) / (2 * eps);
        const ad = j.data[n * j.cols + q];
        assert.ok(
          Math.abs(fd - ad) <= 2e-3 * Math.max(1, Math.abs(ad)),
          `${activation} θ_${q}, sample ${n}: fd ${fd} vs autodiff ${ad}`,
        );
      }
    }
  }
});

test('row blocks give the same kernel as one block, for x1 alone and for x1 × x2', async () => {
  const s = spec({ activation: 'gelu', outputs: 2, depth: 3 });
  const p = initParams(s, 9);
  const x1 = gaussianInputs(11, 3, 7);
  const x2 = gaussianInputs(6, 3, 8);
  for (const other of [undefined, x2]) {
    const whole = await empiricalNtk(p, x1, other);
    const blocked = await empiricalNtk(p, x1, other, { blockRows: 4 });
    assert.ok(relFrobenius(blocked, whole) < 1e-6);
  }
  const sym = await empiricalNtk(p, x1, undefined, { blockRows: 3 });
  for (let a = 0; a < 11; a++) for (let b = 0; b < 11; b++) assert.equal(sym.data[a * 11 + b], sym.data[b * 11 + a]);
});

test('Θ̂(x1, x2) is the block of Θ̂ on the stacked inputs', async () => {
  const s = spec({ activation: 'erf', depth: 2 });
  const p = initParams(s, 12);
  const x1 = gaussianInputs(5, 3, 1);
  const x2 = gaussianInputs(4, 3, 2);
  const both: Mat = { rows: 9, cols: 3, data: Float64Array.from([...x1.data, ...x2.data]) };
  const full = await empiricalNtk(p, both);
  const cross = await empiricalNtk(p, x1, x2);
  const sub = new Float64Array(20);
  for (let a = 0; a < 5; a++) for (let b = 0; b < 4; b++) sub[a * 4 + b] = full.data[a * 9 + 5 + b];
  assert.ok(relFrobenius(cross, { rows: 5, cols: 4, data: sub }) < 1e-6);
});

function perturb(p: ReturnType<typeof initParams>, q: number, eps: number): ReturnType<typeof initParams> {
  const weights = p.weights.map((w) => w.slice());
  const biases = p.biases.map((b) => b.slice());
  let o = q;
  for (let l = 0; l < weights.length; l++) {
    if (o < weights[l].length) {
      weights[l][o] += eps;
      return { spec: p.spec, weights, biases };
    }
    o -= weights[l].length;
    if (o < biases[l].length) {
      biases[l][o] += eps;
      return { spec: p.spec, weights, biases };
    }
    o -= biases[l].length;
  }
  throw new RangeError(`parameter ${q} out of range`);
}
