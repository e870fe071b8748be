/**
 * swish (SiLU), φ(x) = x·sigmoid(x) (Ramachandran et al. 2017, arXiv:1710.05941), as jax.nn.swish;
 * φ'(x) = s + x·s·(1 − s) with s = sigmoid(x). No closed-form dual (quadrature).
 */
import { defineActivation, HALF_X_PLUS_EVEN, sigmoid } from './activation.js';

export const swish = defineActivation({
  name: 'swish',
  tf: (tf) => ({
    phi: (z) => tf.tidy(() => tf.mul(z, tf.sigmoid(z))),
    dphi: (z) =>
      tf.tidy(() => {
        const s = tf.sigmoid(z);
        return tf.add(s, tf.mul(tf.mul(z, s), tf.sub(1, s)));
      }),
  }),
  scalar: {
    reflect: HALF_X_PLUS_EVEN, // x·sigmoid(x) = x/2 + (x/2)·tanh(x/2)
    feature: Math.PI, // the sigmoid's poles at ±iπ
    periodic: false,
    kink: false,
    phi: (x) => x * sigmoid(x),
    dphi: (x) => {
      const s = sigmoid(x);
      return s + x * s * (1 - s);
    },
    both(x, out) {
      const s = sigmoid(x);
      out[0] = x * s;
      out[1] = s + x * s * (1 - s);
    },
  },
});
