/**
 * The analytic NNGP and NTK (src/ntk/analytic.ts) against neural-tangents' stax kernel_fn in
 * float64 (test/interop/analytic_nt.py), every case in one Python process because JAX start-up
 * dominates. Closed-form activations (relu, erf) must agree to 1e-6 relative Frobenius error at
 * depths 1–5; the others to 1e-4: gelu (exact) and sin have closed forms in neural-tangents, tanh
 * and softplus go through its ElementwiseNumerical quadrature at a high degree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyticKernels } from '../../src/ntk/analytic.js';
import { circleInputs, gaussianInputs, sphereInputs } from '../../src/data/inputs.js';
import { makeMat, relFrobenius, type Mat } from '../../src/linalg/mat.js';
import type { ActivationName, MlpSpec, Parameterization } from '../../src/model/spec.js';
import { runPython } from '../helpers/python.js';

interface Case {
  id: string;
  spec: MlpSpec;
  x1: Mat;
  x2?: Mat;
  tol: number;
}

const toRows = (m: Mat): number[][] =>
  Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
const fromRows = (r: number[][]): Mat => makeMat(r.length, r[0].length, r.flat());

const INPUTS: Record<string, { x1: Mat; x2?: Mat }> = {
  circle: { x1: circleInputs(12, 1) },
  sphere10: { x1: sphereInputs(12, 10, 2) },
  gaussian10: { x1: gaussianInputs(12, 10, 3) },
  // A rectangular cross block (x2 ≠ x1) exercises the separate diagonal of the second set.
  'gaussian10-cross': { x1: gaussianInputs(9, 10, 4, 'a'), x2: gaussianInputs(6, 10, 4, 'b') },
};

const SIGMAS: [number, number][] = [
  [1, 0],
  [Math.SQRT2, 0.1],
  [1.5, 0.5],
];

function spec(
  activation: ActivationName,
  depth: number,
  w: number,
  b: number,
  inputDim: number,
  parameterization: Parameterization = 'ntk',
  width = 1,
): MlpSpec {
  return { inputDim, width, depth, outputs: 1, activation, parameterization, wStd: w, bStd: b };
}

const cases: Case[] = [];
for (const [inName, { x1, x2 }] of Object.entries(INPUTS)) {
  for (const [w, b] of SIGMAS) {
    for (const act of ['relu', 'erf'] as const) {
      for (let depth = 1; depth <= 5; depth++) {
        cases.push({
          id: `${act}/d${depth}/w${w.toFixed(3)}/b${b}/${inName}`,
          spec: spec(act, depth, w, b, x1.cols),
          x1,
          x2,
          tol: 1e-6,
        });
      }
    }
    if (w === 1.5) continue; // keeps the variances O(1) for the quadrature cases and the run short
    for (const act of ['tanh', 'gelu', 'softplus', 'sin'] as const) {
      for (const depth of [1, 3]) {
        cases.push({
          id: `${act}/d${depth}/w${w.toFixed(3)}/b${b}/${inName}`,
          spec: spec(act, depth, w, b, x1.cols),
          x1,
          x2,
          tol: 1e-4,
        });
      }
    }
  }
}
// Standard parameterization at a finite width: what stax.Dense(parameterization='standard') gives.
for (const act of ['relu', 'erf', 'gelu'] as const) {
  for (const depth of [1, 2, 3]) {
    const { x1 } = INPUTS.sphere10;
    const tol = act === 'gelu' ? 1e-4 : 1e-6;
    cases.push({
      id: `standard/${act}/d${depth}`,
      spec: spec(act, depth, Math.SQRT2, 0.2, 10, 'standard', 48),
      x1,
      tol,
    });
  }
}

test('analytic NNGP and NTK match neural-tangents stax kernel_fn (float64)', { timeout: 600_000 }, () => {
  const t0 = performance.now();
  const ref = runPython<{ results: { id: string; nngp: number[][]; ntk: number[][] }[] }>(
    'test/interop/analytic_nt.py',
    {
      cases: cases.map((c) => ({
        id: c.id,
        activation: c.spec.activation,
        depth: c.spec.depth,
        w_std: c.spec.wStd,
        b_std: c.spec.bStd,
        parameterization: c.spec.parameterization,
        width: c.spec.width,
        outputs: c.spec.outputs,
        x1: toRows(c.x1),
        x2: c.x2 ? toRows(c.x2) : null,
        deg: 200,
      })),
    },
  );
  const tPy = performance.now() - t0;
  assert.equal(ref.results.length, cases.length);
  const failures: string[] = [];
  let worstClosed = 0;
  let worstQuad = 0;
  for (const [i, c] of cases.entries()) {
    const r = ref.results[i];
    assert.equal(r.id, c.id);
    const ours = analyticKernels(c.spec, c.x1, c.x2);
    const eK = relFrobenius(ours.nngp, fromRows(r.nngp));
    const eT = relFrobenius(ours.ntk, fromRows(r.ntk));
    const e = Math.max(eK, eT);
    if (c.tol === 1e-6) worstClosed = Math.max(worstClosed, e);
    else worstQuad = Math.max(worstQuad, e);
    if (!(e <= c.tol)) failures.push(`${c.id}: nngp ${eK.toExponential(2)}, ntk ${eT.toExponential(2)} > ${c.tol}`);
  }
  console.log(
    `# ${cases.length} cases; neural-tangents ${(tPy / 1000).toFixed(1)} s; worst rel. Frobenius error: ` +
      `closed forms ${worstClosed.toExponential(2)}, quadrature ${worstQuad.toExponential(2)}`,
  );
  assert.deepEqual(failures, []);
});
