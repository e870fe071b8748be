/**
 * Analytic kernels without Python: the Gauss–Hermite and Gauss–Legendre rules against exact moments, closed
 * forms against quadrature (every activation's quadrature against Monte Carlo: test/unit/activations/contract.test.ts), the sin
 * recursion against its own closed form, the docs/design.md §3 sanity value, symmetry, positive
 * semi-definiteness and the cross-block path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { analyticKernels } from '../../../src/ntk/analytic.js';
import { gaussHermite } from '../../../src/ntk/gauss-hermite.js';
import { gaussLegendre } from '../../../src/ntk/gauss-legendre.js';
import { dualActivation, quadratureDual } from '../../../src/ntk/dual-activations.js';
import { circleGrid, circleInputs, gaussianInputs, sphereInputs } from '../../../src/data/inputs.js';
import { relFrobenius, sliceRows, stackRows, type Mat } from '../../../src/linalg/mat.js';
import type { ActivationName, MlpSpec } from '../../../src/model/spec.js';

const mlp = (activation: ActivationName, depth: number, wStd: number, bStd: number, inputDim = 2): MlpSpec => ({
  inputDim,
  width: 1,
  depth,
  outputs: 1,
  activation,
  parameterization: 'ntk',
  wStd,
  bStd,
});

/** Covariances (q11, q22, q12) spanning both signs of the correlation and its ends. */
const COVS: [number, number, number][] = [];
for (const [q11, q22] of [
  [0.4, 0.9],
  [1, 1],
  [1.7, 0.6],
  [2.5, 3],
]) {
  for (const c of [-1, -0.8, -0.2, 0, 0.35, 0.9, 0.999, 1]) COVS.push([q11, q22, c * Math.sqrt(q11 * q22)]);
}

test('Gauss–Hermite rule integrates x^{2k} e^{−x²} exactly (= Γ(k + 1/2)) for 2k ≤ 2n − 1', () => {
  for (const n of [4, 17, 64, 150]) {
    const { nodes, weights } = gaussHermite(n);
    let gamma = Math.sqrt(Math.PI); // Γ(1/2)
    for (let k = 0; 2 * k <= Math.min(2 * n - 1, 60); k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** (2 * k);
      assert.ok(Math.abs(s - gamma) <= 1e-12 * gamma, `n=${n} k=${k}: ${s} vs ${gamma}`);
      let odd = 0;
      for (let i = 0; i < n; i++) odd += weights[i] * nodes[i] ** (2 * k + 1);
      assert.ok(Math.abs(odd) <= 1e-12 * gamma, `odd moment ${odd}`);
      gamma *= k + 0.5; // Γ(k + 3/2) = (k + 1/2) Γ(k + 1/2)
    }
  }
});

test('Gauss–Legendre rule integrates x^k on [−1, 1] exactly for k ≤ 2n − 1', () => {
  for (const n of [1, 2, 7, 12, 40]) {
    const { nodes, weights } = gaussLegendre(n);
    for (let k = 0; k <= 2 * n - 1; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** k;
      const exact = k % 2 === 1 ? 0 : 2 / (k + 1);
      assert.ok(Math.abs(s - exact) <= 1e-14, `n=${n} k=${k}: ${s} vs ${exact}`);
    }
  }
});

test('erf: closed form and quadrature agree to 1e-10', () => {
  const closed = dualActivation('erf', { method: 'closed-form' });
  const quad = quadratureDual('erf');
  const a = new Float64Array(2);
  const b = new Float64Array(2);
  for (const [q11, q22, q12] of COVS) {
    closed.expect(q11, q22, q12, a);
    quad.expect(q11, q22, q12, b);
    assert.ok(Math.abs(a[0] - b[0]) <= 1e-10 && Math.abs(a[1] - b[1]) <= 1e-10, `${q11},${q22},${q12}: ${a} vs ${b}`);
  }
  const x = gaussianInputs(15, 3, 7);
  const spec = mlp('erf', 4, 1.3, 0.2, 3);
  const k1 = analyticKernels(spec, x);
  const k2 = analyticKernels(spec, x, undefined, { method: 'quadrature' });
  assert.ok(relFrobenius(k2.ntk, k1.ntk) <= 1e-9 && relFrobenius(k2.nngp, k1.nngp) <= 1e-9);
});

test('relu and sin: closed forms and the panel quadrature agree to 1e-13 at variances 0.01 … 1e4', () => {
  // relu's kink sits on a panel edge (z1 = 0 outside, z2 = −a z1/b inside), so the quadrature is
  // exact up to round-off; sin is checked where its oscillations are resolvable (variance ≤ 10).
  const a = new Float64Array(2);
  const b = new Float64Array(2);
  const d1 = new Float64Array(2);
  const d2 = new Float64Array(2);
  for (const [name, closed, variances] of [
    ['relu', dualActivation('relu', { method: 'closed-form' }), [0.01, 1, 30, 1e4]],
    ['sin', dualActivation('sin', { method: 'closed-form' }), [0.01, 1, 10]],
  ] as const) {
    const quad = quadratureDual(name);
    for (const q of variances) {
      for (const [q11, q22, q12] of COVS.map(([x, y, z]) => [x * q, y * q, z * q])) {
        closed.expect(q11, q22, q12, a);
        quad.expect(q11, q22, q12, b);
        closed.expect(q11, q11, q11, d1);
        closed.expect(q22, q22, q22, d2);
        for (const t of [0, 1]) {
          const scale = Math.sqrt(d1[t] * d2[t]); // |E[g(u)g(v)]| ≤ √(E[g(u)²] E[g(v)²])
          assert.ok(Math.abs(a[t] - b[t]) <= 1e-13 * scale, `${name} ${[q11, q22, q12]} [${t}]: ${a[t]} vs ${b[t]}`);
        }
      }
    }
  }
});

test('sin: the kernel recursion matches the closed form e^{−(q11+q22)/2} sinh / cosh(q12)', () => {
  // An independent implementation of docs/design.md §3 with E[sin u sin v] = e^{−(q11+q22)/2} sinh q12
  // and E[cos u cos v] = e^{−(q11+q22)/2} cosh q12.
  const x = sphereInputs(10, 5, 3);
  const w2 = 1.7 ** 2;
  const b2 = 0.3 ** 2;
  const depth = 4;
  const n = x.rows;
  const dot = (i: number, j: number): number => {
    let s = 0;
    for (let t = 0; t < x.cols; t++) s += x.data[i * x.cols + t] * x.data[j * x.cols + t];
    return (w2 * s) / x.cols + b2;
  };
  let S = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => dot(i, j)));
  let T = S.map((r) => r.slice());
  for (let l = 0; l < depth; l++) {
    const S2 = S.map((r, i) => r.map((q12, j) => w2 * Math.exp(-(S[i][i] + S[j][j]) / 2) * Math.sinh(q12) + b2));
    T = T.map((r, i) => r.map((t, j) => S2[i][j] + w2 * Math.exp(-(S[i][i] + S[j][j]) / 2) * Math.cosh(S[i][j]) * t));
    S = S2;
  }
  const ours = analyticKernels(mlp('sin', depth, 1.7, 0.3, 5), x);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      assert.ok(Math.abs(ours.nngp.data[i * n + j] - S[i][j]) <= 1e-10 * S[i][i]);
      assert.ok(Math.abs(ours.ntk.data[i * n + j] - T[i][j]) <= 1e-10 * T[i][i]);
    }
  }
});

test('sin: the closed form does not overflow at large variances (sinh q12 alone would)', () => {
  const out = new Float64Array(2);
  dualActivation('sin', { method: 'closed-form' }).expect(1e4, 1e4, 1e4, out);
  assert.ok(Math.abs(out[0] - 0.5) <= 1e-15 && Math.abs(out[1] - 0.5) <= 1e-15, `${out}`);
  dualActivation('sin', { method: 'closed-form' }).expect(1e4, 1e4, 0.5e4, out);
  assert.ok(out[0] === 0 && out[1] === 0, `${out}`); // e^{−2500}: below the smallest double
});

test('sanity value: relu, depth 3, σ_w² = 2, σ_b = 0.1, unit circle ⇒ Θ_∞(x, x) = 4.10', () => {
  const { ntk, nngp } = analyticKernels(mlp('relu', 3, Math.SQRT2, 0.1), circleInputs(16, 2));
  for (let i = 0; i < 16; i++) {
    assert.ok(Math.abs(ntk.data[i * 16 + i] - 4.1) <= 1e-12, `Θ(x,x) = ${ntk.data[i * 16 + i]}`);
    assert.ok(Math.abs(nngp.data[i * 16 + i] - 1.04) <= 1e-12); // Σ¹ = 1.01, + 0.01 per layer
  }
});

function minMaxEig(m: Mat): [number, number] {
  const rows = Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  const ev = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues;
  return [Math.min(...ev), Math.max(...ev)];
}

test('kernels are symmetric and positive semi-definite', () => {
  const inputs = [circleGrid(16), gaussianInputs(16, 6, 9)];
  for (const act of ['relu', 'erf', 'tanh', 'gelu', 'softplus', 'sin'] as const) {
    for (const x of inputs) {
      const k = analyticKernels(mlp(act, 3, 1.4, 0.2, x.cols), x);
      for (const m of [k.nngp, k.ntk]) {
        for (let i = 0; i < m.rows; i++) {
          for (let j = 0; j < i; j++) assert.equal(m.data[i * m.cols + j], m.data[j * m.cols + i]);
        }
        const [lo, hi] = minMaxEig(m);
        assert.ok(lo >= -1e-10 * hi, `${act}: λ_min ${lo}, λ_max ${hi}`);
      }
    }
  }
});

test('cross block K(x1, x2) equals the corresponding block of the joint kernel', () => {
  const x = gaussianInputs(14, 3, 21);
  const x1 = sliceRows(x, 0, 9);
  const x2 = sliceRows(x, 9, 14);
  for (const act of ['relu', 'tanh'] as const) {
    const spec = mlp(act, 3, 1.2, 0.4, 3);
    const joint = analyticKernels(spec, stackRows(x1, x2));
    const cross = analyticKernels(spec, x1, x2);
    assert.equal(cross.ntk.rows, 9);
    assert.equal(cross.ntk.cols, 5);
    for (let i = 0; i < 9; i++) {
      for (let j = 0; j < 5; j++) {
        assert.ok(Math.abs(cross.ntk.data[i * 5 + j] - joint.ntk.data[i * 14 + 9 + j]) <= 1e-13 * joint.ntk.data[0]);
        assert.ok(Math.abs(cross.nngp.data[i * 5 + j] - joint.nngp.data[i * 14 + 9 + j]) <= 1e-13 * joint.nngp.data[0]);
      }
    }
  }
});

test('bad inputs throw clear errors', () => {
  assert.throws(() => analyticKernels(mlp('relu', 2, 1, 0, 3), circleGrid(4)), /inputDim is 3/);
  assert.throws(
    () => analyticKernels(mlp('tanh', 2, 1, 0), circleGrid(4), undefined, { method: 'closed-form' }),
    /no closed-form/,
  );
});
