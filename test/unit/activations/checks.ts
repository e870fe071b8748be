/**
 * Checks every activation must pass (test/unit/activations/contract.test.ts runs them over the
 * whole list; an activation's own test may run them again with its own cases).
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '../../../src/backend/gradients.js';
import type { Activation } from '../../../src/activations/index.js';
import type { DualActivation } from '../../../src/ntk/dual-activations.js';
import { makeRng } from '../../../src/rng.js';

/** Points where φ is evaluated: both signs, the turn near 0, and the tails (no point exactly at relu's kink). */
export const POINTS = [-6, -3.1, -1.7, -1, -0.55, -0.2, -0.01, 0.013, 0.2, 0.5, 1, 1.6, 2.9, 6];

/** The TensorFlow.js ops (float32), their autodiff gradient and the float64 scalars agree. */
export function checkTfMatchesScalar(act: Activation): void {
  const ops = act.tf(tf);
  const z = tf.tensor1d(POINTS, 'float32');
  const [phi, dphi, auto] = tf.tidy(() => [ops.phi(z), ops.dphi(z), tf.grad((x: tf.Tensor) => ops.phi(x))(z)]);
  const [f, d, g] = [phi.dataSync(), dphi.dataSync(), auto.dataSync()];
  tf.dispose([z, phi, dphi, auto]);
  POINTS.forEach((x, i) => {
    const tol = (v: number): number => 1e-5 * Math.max(1, Math.abs(v));
    assert.ok(
      Math.abs(f[i] - act.scalar.phi(x)) <= tol(x),
      `${act.name} φ(${x}): tf ${f[i]}, scalar ${act.scalar.phi(x)}`,
    );
    assert.ok(
      Math.abs(d[i] - act.scalar.dphi(x)) <= tol(1),
      `${act.name} φ'(${x}): tf ${d[i]}, scalar ${act.scalar.dphi(x)}`,
    );
    assert.ok(Math.abs(g[i] - d[i]) <= tol(1), `${act.name} φ'(${x}): autodiff ${g[i]}, dphi op ${d[i]}`);
  });
}

/** φ' is the derivative of φ (central differences, float64), `both` matches φ and φ', and the reflection identities hold. */
export function checkScalarConsistent(act: Activation): void {
  const s = act.scalar;
  const { p, l, k, m } = s.reflect;
  const out = new Float64Array(2);
  for (const x of POINTS) {
    const h = 1e-6;
    const fd = (s.phi(x + h) - s.phi(x - h)) / (2 * h);
    assert.ok(
      Math.abs(fd - s.dphi(x)) <= 1e-7 * Math.max(1, Math.abs(x)),
      `${act.name} φ'(${x}) ${s.dphi(x)} vs differences ${fd}`,
    );
    s.both(x, out);
    assert.ok(Math.abs(out[0] - s.phi(x)) <= 1e-15 * Math.max(1, Math.abs(x)), `${act.name} both(${x})[0]`);
    assert.ok(Math.abs(out[1] - s.dphi(x)) <= 1e-15, `${act.name} both(${x})[1]`);
    assert.ok(
      Math.abs(s.phi(-x) - (p * s.phi(x) - l * x)) <= 1e-13 * Math.max(1, Math.abs(x)),
      `${act.name} φ(−${x}) reflection`,
    );
    assert.ok(Math.abs(s.dphi(-x) - (k + m * s.dphi(x))) <= 1e-13, `${act.name} φ'(−${x}) reflection`);
  }
}

/**
 * The dual activation (E[φ(u)φ(v)], E[φ'(u)φ'(v)]) within 4 standard errors of a Monte Carlo
 * estimate from M seeded samples of (u, v) = (√q11 z1, ρ z1 + √(q22 − ρ²) z2), ρ = q12/√q11.
 */
export function checkDualMatchesMonteCarlo(
  act: Activation,
  dual: DualActivation,
  covariances: readonly (readonly [number, number, number])[],
  M = 100_000,
): void {
  const rng = makeRng(7, `mc-${act.name}`);
  const q = new Float64Array(2);
  const s = act.scalar;
  for (const [q11, q22, q12] of covariances) {
    dual.expect(q11, q22, q12, q);
    const rho = q12 / Math.sqrt(q11);
    const tau = Math.sqrt(q22 - rho * rho);
    const sum = [0, 0];
    const sumSq = [0, 0];
    for (let j = 0; j < M; j++) {
      const z1 = rng.normal();
      const z2 = rng.normal();
      const u = Math.sqrt(q11) * z1;
      const v = rho * z1 + tau * z2;
      const f = [s.phi(u) * s.phi(v), s.dphi(u) * s.dphi(v)];
      for (let t = 0; t < 2; t++) {
        sum[t] += f[t];
        sumSq[t] += f[t] * f[t];
      }
    }
    for (let t = 0; t < 2; t++) {
      const mean = sum[t] / M;
      const se = Math.sqrt((sumSq[t] / M - mean * mean) / M);
      assert.ok(
        Math.abs(mean - q[t]) <= 4 * se,
        `${act.name} cov ${[q11, q22, q12]} [${t}]: MC ${mean} ± ${se}, dual ${q[t]}`,
      );
    }
  }
}
