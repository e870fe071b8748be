/**
 * The structured empirical NTK against neural-tangents' `empirical_ntk_fn` (Jacobian contraction,
 * float64) evaluated on the very same weights, exported from TypeScript to test/interop/empirical_nt.py.
 * Every case goes to Python in one call (JAX starts slowly).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../src/backend/select.js';
import { gaussianInputs, sphereInputs } from '../../src/data/inputs.js';
import { relFrobenius, type Mat } from '../../src/linalg/mat.js';
import { initParams, type MlpParams } from '../../src/model/params.js';
import { ACTIVATIONS, PARAMETERIZATIONS, type MlpSpec } from '../../src/model/spec.js';
import { empiricalNtk } from '../../src/ntk/empirical.js';
import { runPython } from '../helpers/python.js';

await selectBackend('wasm');

interface Case {
  label: string;
  params: MlpParams;
  x1: Mat;
  x2?: Mat;
}

const toRows = (m: Mat): number[][] =>
  Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));

test('structured empirical NTK equals neural-tangents empirical_ntk_fn on the same weights (≤ 1e-4)', async () => {
  const cases: Case[] = [];
  let i = 0;
  for (const activation of ACTIVATIONS) {
    for (const parameterization of PARAMETERIZATIONS) {
      for (const outputs of [1, 3]) {
        i++;
        const spec: MlpSpec = {
          inputDim: 4,
          width: 96,
          depth: 1 + (i % 3),
          outputs,
          activation,
          parameterization,
          wStd: 1.2 + 0.1 * (i % 4),
          bStd: 0.05 + 0.1 * (i % 3),
        };
        const x1 = i % 2 ? sphereInputs(10, 4, i) : gaussianInputs(10, 4, i);
        const x2 = i % 3 === 0 ? undefined : gaussianInputs(7, 4, 100 + i);
        cases.push({
          label: `${activation} ${parameterization} depth ${spec.depth} k=${outputs}${x2 ? ' x2≠x1' : ''}`,
          params: initParams(spec, i),
          x1,
          x2,
        });
      }
    }
  }
  const input = {
    cases: cases.map((c) => ({
      ...c.params.spec,
      weights: c.params.weights.map((w) => Array.from(w)),
      biases: c.params.biases.map((b) => Array.from(b)),
      x1: toRows(c.x1),
      x2: c.x2 ? toRows(c.x2) : null,
    })),
  };
  const { kernels } = runPython<{ kernels: number[][][] }>('test/interop/empirical_nt.py', input);
  assert.equal(kernels.length, cases.length);
  let worst = 0;
  for (const [j, c] of cases.entries()) {
    const ours = await empiricalNtk(c.params, c.x1, c.x2);
    const nt: Mat = { rows: kernels[j].length, cols: kernels[j][0].length, data: Float64Array.from(kernels[j].flat()) };
    assert.equal(nt.rows, ours.rows);
    assert.equal(nt.cols, ours.cols);
    const err = relFrobenius(ours, nt);
    worst = Math.max(worst, err);
    assert.ok(err <= 1e-4, `${c.label}: relative Frobenius difference ${err}`);
  }
  console.log(`${cases.length} cases, worst relative Frobenius difference ${worst.toExponential(2)}`);
});
