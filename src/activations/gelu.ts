/**
 * The exact GELU φ(x) = x·Φ(x) (Hendrycks & Gimpel, arXiv:1606.08415), not the tanh approximation,
 * so that it matches neural-tangents' stax.Gelu(approximate=False). No closed-form dual (quadrature).
 */
import erf from '@stdlib/math-base-special-erf';
import type * as Tf from '@tensorflow/tfjs-core';
import { defineActivation, HALF_X_PLUS_EVEN } from './activation.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Standard normal CDF Φ(x) = (1 + erf(x/√2))/2. */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x * Math.SQRT1_2));
}

export const gelu = defineActivation({
  name: 'gelu',
  tf: (tf) => {
    const cdf = (z: Tf.Tensor): Tf.Tensor => tf.tidy(() => tf.add(0.5, tf.mul(0.5, tf.erf(tf.mul(z, Math.SQRT1_2)))));
    return {
      phi: (z) => tf.tidy(() => tf.mul(z, cdf(z))),
      dphi: (z) => tf.tidy(() => tf.add(cdf(z), tf.mul(z, tf.mul(INV_SQRT_2PI, tf.exp(tf.mul(-0.5, tf.square(z))))))),
    };
  },
  scalar: {
    reflect: HALF_X_PLUS_EVEN,
    feature: 1,
    periodic: false,
    kink: false,
    phi: (x) => x * normalCdf(x),
    dphi: (x) => normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x),
    both(x, out) {
      const c = normalCdf(x);
      out[0] = x * c;
      out[1] = c + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    },
  },
});
