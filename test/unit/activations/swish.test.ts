/**
 * swish, φ(x) = x·sigmoid(x): its values and derivative against the definition, its TensorFlow.js
 * ops against its float64 functions, and its (quadrature) dual activation against Monte Carlo.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../src/backend/select.js';
import { swish } from '../../../src/activations/swish.js';
import { dualActivation } from '../../../src/ntk/dual-activations.js';
import { checkDualMatchesMonteCarlo, checkScalarConsistent, checkTfMatchesScalar } from './checks.js';

await selectBackend('cpu');

test("swish: φ(x) = x/(1 + e⁻ˣ) and φ'(x) = its derivative by the quotient rule, in float64", () => {
  for (const x of [-30, -2, -0.5, 0, 0.5, 2, 30]) {
    const e = Math.exp(-x);
    assert.ok(Math.abs(swish.scalar.phi(x) - x / (1 + e)) <= 1e-14 * Math.max(1, Math.abs(x)));
    assert.ok(Math.abs(swish.scalar.dphi(x) - (1 + e + x * e) / (1 + e) ** 2) <= 1e-14);
  }
  assert.equal(swish.scalar.phi(0), 0);
  assert.equal(swish.scalar.dphi(0), 0.5);
});

test("swish: TensorFlow.js φ, φ' (float32, to 1e-5) and autodiff agree with the float64 functions", () => {
  checkTfMatchesScalar(swish);
  checkScalarConsistent(swish);
});

test("swish: the quadrature dual is within 4 standard errors of Monte Carlo (200 000 samples) for E[φ(u)φ(v)] and E[φ'(u)φ'(v)]", () => {
  const dual = dualActivation('swish');
  assert.equal(dual.method, 'quadrature');
  // Unit, unequal and large variances; positive, negative and near-one correlations.
  checkDualMatchesMonteCarlo(
    swish,
    dual,
    [
      [1, 1, 0.6],
      [0.5, 2, -0.7],
      [2.2, 1.4, 1.7],
      [30, 30, 29.5],
      [100, 4, -10],
    ],
    200_000,
  );
});
