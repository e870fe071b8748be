/** tanh, φ'(x) = 1 − tanh²(x); no closed-form dual (quadrature). */
import { defineActivation, ODD } from './activation.js';

export const tanh = defineActivation({
  name: 'tanh',
  tf: (tf) => ({
    phi: (z) => tf.tanh(z),
    dphi: (z) => tf.tidy(() => tf.sub(1, tf.square(tf.tanh(z)))),
  }),
  scalar: {
    reflect: ODD,
    feature: Math.PI / 2, // poles at ±iπ/2
    periodic: false,
    kink: false,
    phi: (x) => Math.tanh(x),
    dphi: (x) => {
      const t = Math.tanh(x);
      return 1 - t * t;
    },
    both(x, out) {
      const t = Math.tanh(x);
      out[0] = t;
      out[1] = 1 - t * t;
    },
  },
});
