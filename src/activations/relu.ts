/** relu, φ(x) = max(x, 0), with φ'(0) = 0 as TensorFlow.js's and JAX's relu gradients. */
import { defineActivation, HALF_X_PLUS_EVEN } from './activation.js';

const INV_2PI = 1 / (2 * Math.PI);

export const relu = defineActivation({
  name: 'relu',
  tf: (tf) => ({
    phi: (z) => tf.relu(z),
    dphi: (z) => tf.step(z, 0),
  }),
  scalar: {
    reflect: HALF_X_PLUS_EVEN, // broken by φ' at x = 0 only
    feature: 1,
    periodic: false,
    kink: true,
    phi: (x) => (x > 0 ? x : 0),
    dphi: (x) => (x > 0 ? 1 : 0),
    both(x, out) {
      const p = x > 0;
      out[0] = p ? x : 0;
      out[1] = p ? 1 : 0;
    },
  },
  /**
   * The arc-cosine kernel of degree 1 and 0 (Cho & Saul 2009): with θ = arccos c,
   * E[φφ] = √(q11 q22)(sin θ + (π − θ) c)/(2π), E[φ'φ'] = (π − θ)/(2π).
   */
  dual(q11, q22, q12, out) {
    if (!(q11 > 0 && q22 > 0)) {
      out[0] = 0;
      out[1] = 0;
      return;
    }
    const n = Math.sqrt(q11 * q22);
    let c = q12 / n;
    c = c > 1 ? 1 : c < -1 ? -1 : c;
    const theta = Math.acos(c);
    // sin(arccos c) = √(1 − c²): one square root instead of a sine.
    out[0] = n * (Math.sqrt(1 - c * c) + (Math.PI - theta) * c) * INV_2PI;
    out[1] = (Math.PI - theta) * INV_2PI;
  },
});
