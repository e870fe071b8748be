/**
 * The analytic kernels of the quadrature activations (tanh, gelu, softplus) and of sin's closed
 * form against an independent high-precision reference: scipy's adaptive Gauss–Kronrod quadrature
 * (QUADPACK, nested, test/interop/quadrature_reference.py) at pre-activation variances 0.1, 10, 100
 * and 1000. Two levels: the dual activations E[φ(u)φ(v)], E[φ'(u)φ'(v)] at equal variances and
 * several correlations, and the depth-one kernels (NNGP and NTK) of four inputs whose first-layer
 * variances are those four values, assembled from reference expectations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyticKernels } from '../../src/ntk/analytic.js';
import { dualActivation } from '../../src/ntk/dual-activations.js';
import { makeMat } from '../../src/linalg/mat.js';
import type { ActivationName, MlpSpec } from '../../src/model/spec.js';
import { runPython } from '../helpers/python.js';

const VARIANCES = [0.1, 10, 100, 1000];
const ACTIVATIONS: ActivationName[] = ['tanh', 'gelu', 'softplus', 'sin'];
const TOL = 1e-10;

interface Case {
  activation: ActivationName;
  q11: number;
  q22: number;
  q12: number;
}

// Four 3-d inputs at different angles, scaled so that Σ¹(x, x) = σ_w²|x|²/3 + σ_b² hits each variance.
const W_STD = 1.2;
const B_STD = 0.1;
const DIRECTIONS = [
  [1, 0, 0],
  [0.6, 0.8, 0],
  [-0.28, 0.96, 0],
  [0.48, -0.6, 0.64],
];
const x = makeMat(
  4,
  3,
  DIRECTIONS.flatMap((d, i) => {
    const norm = Math.sqrt(((VARIANCES[i] - B_STD ** 2) * 3) / W_STD ** 2);
    const len = Math.hypot(...d);
    return d.map((v) => (v / len) * norm);
  }),
);
const sigma1 = (i: number, j: number): number => {
  let s = 0;
  for (let t = 0; t < 3; t++) s += x.data[i * 3 + t] * x.data[j * 3 + t];
  return (W_STD ** 2 * s) / 3 + B_STD ** 2;
};

const dualCases: Case[] = [];
const kernelCases: Case[] = [];
for (const activation of ACTIVATIONS) {
  for (const q of VARIANCES) {
    for (const c of [-0.5, 0.9, 0.999]) dualCases.push({ activation, q11: q, q22: q, q12: c * q });
  }
  for (let i = 0; i < 4; i++) {
    for (let j = i; j < 4; j++)
      kernelCases.push({ activation, q11: sigma1(i, i), q22: sigma1(j, j), q12: sigma1(i, j) });
  }
}

const ref = runPython<{ results: { e: number; ed: number }[] }>('test/interop/quadrature_reference.py', {
  cases: [...dualCases, ...kernelCases],
}).results;

test('dual activations within 1e-10 of scipy QUADPACK at variances 0.1, 10, 100 and 1000', () => {
  const out = new Float64Array(2);
  const diag = new Float64Array(2);
  let worst = 0;
  dualCases.forEach((c, k) => {
    const dual = dualActivation(c.activation);
    dual.expect(c.q11, c.q22, c.q12, out);
    dual.expect(c.q11, c.q11, c.q11, diag);
    const r = [ref[k].e, ref[k].ed];
    for (const t of [0, 1]) {
      // Relative to the value, or to √(E[g(u)²]E[g(v)²]) where the value is far below it (sin's
      // e^{−q(1−c)}), since no kernel entry is read to better than that.
      const scale = Math.max(Math.abs(r[t]), 1e-3 * diag[t]);
      const err = Math.abs(out[t] - r[t]) / scale;
      worst = Math.max(worst, err);
      assert.ok(
        err <= TOL,
        `${c.activation} q=${c.q11} c=${c.q12 / c.q11} [${t}]: ${out[t]} vs ${r[t]} (${err.toExponential(1)})`,
      );
    }
  });
  console.log(`worst relative error of the dual activations: ${worst.toExponential(1)}`);
});

test('depth-one NNGP and NTK of inputs at variances 0.1 … 1000 within 1e-10 of the reference', () => {
  for (const activation of ACTIVATIONS) {
    const spec: MlpSpec = {
      inputDim: 3,
      width: 1,
      depth: 1,
      outputs: 1,
      activation,
      parameterization: 'ntk',
      wStd: W_STD,
      bStd: B_STD,
    };
    const { nngp, ntk } = analyticKernels(spec, x);
    let k = dualCases.length + ACTIVATIONS.indexOf(activation) * 10;
    for (let i = 0; i < 4; i++) {
      for (let j = i; j < 4; j++, k++) {
        const s2 = W_STD ** 2 * ref[k].e + B_STD ** 2; // Σ², Θ² = Σ² + σ_w² E[φ'φ'] Σ¹
        const t2 = s2 + W_STD ** 2 * ref[k].ed * sigma1(i, j);
        const scaleS = Math.sqrt(nngp.data[i * 5] * nngp.data[j * 5]);
        const scaleT = Math.sqrt(ntk.data[i * 5] * ntk.data[j * 5]);
        const eS = Math.abs(nngp.data[i * 4 + j] - s2) / Math.max(Math.abs(s2), 1e-3 * scaleS);
        const eT = Math.abs(ntk.data[i * 4 + j] - t2) / Math.max(Math.abs(t2), 1e-3 * scaleT);
        assert.ok(
          eS <= TOL && eT <= TOL,
          `${activation} (${i}, ${j}): NNGP ${eS.toExponential(1)}, NTK ${eT.toExponential(1)}`,
        );
      }
    }
  }
});

test('tanh at depth two on inputs of norm up to ≈ 46 (variance 1000: the old rule gave a tenth of Θ(x, x)) within 1e-10', () => {
  // Second layer from the reference's first: Σ² and Θ² of every pair, then E at (Σ²_ii, Σ²_jj, Σ²_ij).
  const k0 = dualCases.length + ACTIVATIONS.indexOf('tanh') * 10;
  const s2 = new Map<string, number>();
  const t2 = new Map<string, number>();
  let k = k0;
  for (let i = 0; i < 4; i++) {
    for (let j = i; j < 4; j++, k++) {
      s2.set(`${i},${j}`, W_STD ** 2 * ref[k].e + B_STD ** 2);
      t2.set(`${i},${j}`, s2.get(`${i},${j}`)! + W_STD ** 2 * ref[k].ed * sigma1(i, j));
    }
  }
  const pairs: [number, number][] = [];
  for (let i = 0; i < 4; i++) for (let j = i; j < 4; j++) pairs.push([i, j]);
  const second = runPython<{ results: { e: number; ed: number }[] }>('test/interop/quadrature_reference.py', {
    cases: pairs.map(([i, j]) => ({
      activation: 'tanh',
      q11: s2.get(`${i},${i}`)!,
      q22: s2.get(`${j},${j}`)!,
      q12: s2.get(`${i},${j}`)!,
    })),
  }).results;
  const spec: MlpSpec = {
    inputDim: 3,
    width: 1,
    depth: 2,
    outputs: 1,
    activation: 'tanh',
    parameterization: 'ntk',
    wStd: W_STD,
    bStd: B_STD,
  };
  const { nngp, ntk } = analyticKernels(spec, x);
  pairs.forEach(([i, j], p) => {
    const s3 = W_STD ** 2 * second[p].e + B_STD ** 2;
    const t3 = s3 + W_STD ** 2 * second[p].ed * t2.get(`${i},${j}`)!;
    const eS = Math.abs(nngp.data[i * 4 + j] - s3) / Math.abs(s3);
    const eT = Math.abs(ntk.data[i * 4 + j] - t3) / Math.abs(t3);
    assert.ok(eS <= TOL && eT <= TOL, `(${i}, ${j}): NNGP ${eS.toExponential(1)}, NTK ${eT.toExponential(1)}`);
  });
  console.log(`tanh depth 2: Θ(x, x) at variance 1000 = ${ntk.data[15].toFixed(4)}`);
});
