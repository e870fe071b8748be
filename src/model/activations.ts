/**
 * The activations φ of docs/design.md §2 and their derivatives φ' as TensorFlow.js ops. φ' feeds the
 * explicit backward passes of training and of the structured empirical NTK; the autodiff reference
 * (src/ntk/jacobian.ts) differentiates φ itself, so the two paths check each other.
 * Every op used here has a kernel on the wasm, cpu and webgpu backends.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ActivationName } from './spec.js';

export interface TfActivation {
  name: ActivationName;
  /** φ(z), elementwise. */
  phi(z: tf.Tensor): tf.Tensor;
  /** φ'(z), elementwise. */
  dphi(z: tf.Tensor): tf.Tensor;
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** Standard normal CDF Φ(z) = (1 + erf(z/√2))/2. */
function normalCdf(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(0.5, tf.mul(0.5, tf.erf(tf.mul(z, SQRT1_2)))));
}

const TABLE: Record<ActivationName, Omit<TfActivation, 'name'>> = {
  relu: {
    phi: (z) => tf.relu(z),
    dphi: (z) => tf.step(z, 0), // φ'(0) = 0, as TensorFlow.js's and JAX's relu gradients
  },
  erf: {
    phi: (z) => tf.erf(z),
    dphi: (z) => tf.tidy(() => tf.mul(TWO_OVER_SQRT_PI, tf.exp(tf.neg(tf.square(z))))),
  },
  tanh: {
    phi: (z) => tf.tanh(z),
    dphi: (z) => tf.tidy(() => tf.sub(1, tf.square(tf.tanh(z)))),
  },
  // Exact GELU z·Φ(z) (Hendrycks & Gimpel, arXiv:1606.08415), not the tanh approximation, so that
  // it matches the analytic kernel and neural-tangents' stax.Gelu(approximate=False).
  gelu: {
    phi: (z) => tf.tidy(() => tf.mul(z, normalCdf(z))),
    dphi: (z) =>
      tf.tidy(() => tf.add(normalCdf(z), tf.mul(z, tf.mul(INV_SQRT_2PI, tf.exp(tf.mul(-0.5, tf.square(z))))))),
  },
  softplus: {
    phi: (z) => tf.softplus(z),
    dphi: (z) => tf.sigmoid(z),
  },
  sin: {
    phi: (z) => tf.sin(z),
    dphi: (z) => tf.cos(z),
  },
};

/** φ and φ' for a named activation. */
export function tfActivation(name: ActivationName): TfActivation {
  const a = TABLE[name];
  if (!a) throw new RangeError(`activation not supported: ${String(name)}`);
  return { name, ...a };
}
