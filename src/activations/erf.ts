/** erf, φ(x) = erf(x), φ'(x) = (2/√π) e^{−x²}. */
import erfFn from '@stdlib/math-base-special-erf';
import { correlation, defineActivation, ODD } from './activation.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const erf = defineActivation({
  name: 'erf',
  tf: (tf) => ({
    phi: (z) => tf.erf(z),
    dphi: (z) => tf.tidy(() => tf.mul(TWO_OVER_SQRT_PI, tf.exp(tf.neg(tf.square(z))))),
  }),
  scalar: {
    reflect: ODD,
    feature: 1,
    periodic: false,
    kink: false,
    phi: (x) => erfFn(x),
    dphi: (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x),
    both(x, out) {
      out[0] = erfFn(x);
      out[1] = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    },
  },
  /**
   * Williams 1997, "Computing with infinite networks":
   * E[φφ] = (2/π) arcsin(2 q12 / √((1 + 2q11)(1 + 2q22))),
   * E[φ'φ'] = (4/π) / √((1 + 2q11)(1 + 2q22) − 4 q12²).
   */
  dual(q11, q22, q12, out) {
    const c = correlation(q11, q22, q12);
    const q = c * Math.sqrt(Math.max(q11, 0) * Math.max(q22, 0)); // the clipped covariance
    const a = (1 + 2 * q11) * (1 + 2 * q22);
    out[0] = (2 / Math.PI) * Math.asin((2 * q) / Math.sqrt(a));
    out[1] = 4 / Math.PI / Math.sqrt(a - 4 * q * q);
  },
});
