/** softplus, φ(x) = log(1 + eˣ), φ'(x) = sigmoid(x); no closed-form dual (quadrature). */
import { defineActivation, HALF_X_PLUS_EVEN, sigmoid } from './activation.js';

/** log(1 + eˣ) without overflow for large x or loss of precision for very negative x. */
function softplusFn(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export const softplus = defineActivation({
  name: 'softplus',
  tf: (tf) => ({
    phi: (z) => tf.softplus(z),
    dphi: (z) => tf.sigmoid(z),
  }),
  scalar: {
    reflect: HALF_X_PLUS_EVEN,
    feature: Math.PI, // the sigmoid's poles at ±iπ
    periodic: false,
    kink: false,
    phi: softplusFn,
    dphi: sigmoid,
    both(x, out) {
      // One exponential for both: e = e^{−|x|} ∈ (0, 1].
      const e = Math.exp(-Math.abs(x));
      out[0] = Math.max(x, 0) + Math.log1p(e);
      out[1] = x >= 0 ? 1 / (1 + e) : e / (1 + e);
    },
  },
});
