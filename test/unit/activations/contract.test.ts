/**
 * Every activation of src/activations/ keeps the contract of src/activations/activation.ts: its
 * TensorFlow.js ops, their autodiff gradient and its float64 functions agree; φ' is φ's
 * derivative; its reflection identities hold; its dual activation (closed form where declared,
 * quadrature always) matches Monte Carlo; a closed form matches the quadrature.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../src/backend/select.js';
import { activation, ACTIVATION_LIST, ACTIVATIONS } from '../../../src/activations/index.js';
import { dualActivation, quadratureDual } from '../../../src/ntk/dual-activations.js';
import { checkDualMatchesMonteCarlo, checkScalarConsistent, checkTfMatchesScalar } from './checks.js';

await selectBackend('cpu');

const COVARIANCES = [
  [1, 1, 0.6],
  [0.5, 2, -0.7],
  [2.2, 1.4, 1.5],
] as const;

test('the names are unique; lookup by name returns the declaration and refuses an unknown name', () => {
  assert.equal(new Set(ACTIVATIONS).size, ACTIVATION_LIST.length);
  for (const a of ACTIVATION_LIST) assert.equal(activation(a.name), a);
  assert.throws(() => activation('banana' as never), RangeError);
});

for (const act of ACTIVATION_LIST) {
  test(`${act.name}: TensorFlow.js φ, φ' and autodiff agree with the float64 functions`, () =>
    checkTfMatchesScalar(act));
  test(`${act.name}: φ' is the derivative of φ, both() and the reflection identities hold`, () =>
    checkScalarConsistent(act));
  test(`${act.name}: the quadrature dual matches Monte Carlo`, () =>
    checkDualMatchesMonteCarlo(act, quadratureDual(act.name), COVARIANCES, 200_000));
  if (act.dual) {
    test(`${act.name}: the closed-form dual matches Monte Carlo and the quadrature`, () => {
      const closed = dualActivation(act.name, { method: 'closed-form' });
      checkDualMatchesMonteCarlo(act, closed, COVARIANCES);
      const quad = quadratureDual(act.name);
      const a = new Float64Array(2);
      const b = new Float64Array(2);
      for (const [q11, q22, q12] of COVARIANCES) {
        closed.expect(q11, q22, q12, a);
        quad.expect(q11, q22, q12, b);
        for (let t = 0; t < 2; t++)
          assert.ok(
            Math.abs(a[t] - b[t]) <= 1e-12 * Math.max(1, Math.abs(a[t])),
            `${act.name} ${[q11, q22, q12]}[${t}]: ${a[t]} vs ${b[t]}`,
          );
      }
    });
  } else {
    test(`${act.name}: without a closed form, 'closed-form' is refused and 'auto' is the quadrature`, () => {
      assert.throws(() => dualActivation(act.name, { method: 'closed-form' }), RangeError);
      assert.equal(dualActivation(act.name).method, 'quadrature');
    });
  }
}
