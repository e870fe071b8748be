/** sin, φ'(x) = cos(x). */
import { correlation, defineActivation, ODD } from './activation.js';

export const sin = defineActivation({
  name: 'sin',
  tf: (tf) => ({
    phi: (z) => tf.sin(z),
    dphi: (z) => tf.cos(z),
  }),
  scalar: {
    reflect: ODD,
    feature: 1,
    periodic: true,
    kink: false,
    phi: (x) => Math.sin(x),
    dphi: (x) => Math.cos(x),
    both(x, out) {
      out[0] = Math.sin(x);
      out[1] = Math.cos(x);
    },
  },
  /**
   * E[sin u sin v] = e^{−(q11+q22)/2} sinh q12 and E[cos u cos v] = e^{−(q11+q22)/2} cosh q12
   * (from E[e^{i(u±v)}] = e^{−(q11+q22±2q12)/2}), written as differences of exponentials of
   * non-positive arguments so that nothing overflows at large variances.
   */
  dual(q11, q22, q12, out) {
    const c = correlation(q11, q22, q12);
    const q = c * Math.sqrt(Math.max(q11, 0) * Math.max(q22, 0));
    const s = 0.5 * (Math.max(q11, 0) + Math.max(q22, 0));
    const minus = Math.exp(-(s - q)); // e^{−(q11+q22−2q12)/2}
    const plus = Math.exp(-(s + q));
    out[0] = 0.5 * (minus - plus);
    out[1] = 0.5 * (minus + plus);
  },
});
