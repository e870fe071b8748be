/**
 * Float64 activations φ and their derivatives φ' as plain scalar functions, for the analytic
 * (infinite-width) kernels: the quadrature of src/ntk/dual-activations.ts evaluates them at the
 * Gauss–Hermite nodes. They mirror the TensorFlow.js ops of src/model/activations.ts (same
 * conventions, e.g. relu'(0) = 0 and the exact, not tanh-approximated, GELU), but in double
 * precision and without tensors.
 */
import erf from '@stdlib/math-base-special-erf';
import type { ActivationName } from '../model/spec.js';

export interface ScalarActivation {
  readonly name: ActivationName;
  /** φ(x). */
  phi(x: number): number;
  /** φ'(x). */
  dphi(x: number): number;
  /**
   * φ(x) and φ'(x) at once into out[0], out[1]: the quadrature's inner loop, where sharing the
   * expensive part (tanh, exp, erf) between the two halves the cost.
   */
  both(x: number, out: Float64Array): void;
  /**
   * The reflection identities φ(−x) = p·φ(x) − l·x and φ'(−x) = k + m·φ'(x) that every activation
   * here satisfies (odd ones: p = −1, l = 0, k = 0, m = 1; relu, gelu, softplus, which are
   * x/2 plus an even function: p = 1, l = 1, k = 1, m = −1). The quadrature uses them to get the
   * mirrored half of its grid for free. (relu breaks the second one at x = 0 only.)
   */
  readonly reflect: { p: number; l: number; k: number; m: number };
  /**
   * The width, in the activation's argument, of the region where φ and φ' turn: the half-width of
   * the strip about the real axis where they are analytic (tanh: poles at ±iπ/2; softplus and its
   * sigmoid: ±iπ), or the scale of the step of the entire ones (erf, gelu: 1) and the period scale
   * of sin. The quadrature (src/ntk/gaussian-rules.ts) makes its finest panel this wide.
   */
  readonly feature: number;
  /** φ turns everywhere (sin), not only near 0: every panel must be `feature` narrow. */
  readonly periodic: boolean;
  /** φ' jumps (relu at 0): Gauss–Hermite never converges fast, so the quadrature always uses panels. */
  readonly kink: boolean;
}

const ODD = { p: -1, l: 0, k: 0, m: 1 };
const HALF_X_PLUS_EVEN = { p: 1, l: 1, k: 1, m: -1 };

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** Standard normal CDF Φ(x) = (1 + erf(x/√2))/2. */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x * Math.SQRT1_2));
}

/** log(1 + eˣ) without overflow for large x or loss of precision for very negative x. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** 1/(1 + e⁻ˣ), evaluated on the side where the exponential cannot overflow. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

const SMOOTH = { periodic: false, kink: false };

const TABLE: Record<ActivationName, Omit<ScalarActivation, 'name'>> = {
  relu: {
    reflect: HALF_X_PLUS_EVEN,
    feature: 1,
    periodic: false,
    kink: true,
    phi: (x) => (x > 0 ? x : 0),
    dphi: (x) => (x > 0 ? 1 : 0), // φ'(0) = 0, as the TensorFlow.js and JAX gradients of relu
    both(x, out) {
      const p = x > 0;
      out[0] = p ? x : 0;
      out[1] = p ? 1 : 0;
    },
  },
  erf: {
    reflect: ODD,
    feature: 1,
    ...SMOOTH,
    phi: (x) => erf(x),
    dphi: (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x),
    both(x, out) {
      out[0] = erf(x);
      out[1] = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    },
  },
  tanh: {
    reflect: ODD,
    feature: Math.PI / 2,
    ...SMOOTH,
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
  // Exact GELU x·Φ(x) (Hendrycks & Gimpel, arXiv:1606.08415), as stax.Gelu(approximate=False).
  gelu: {
    reflect: HALF_X_PLUS_EVEN,
    feature: 1,
    ...SMOOTH,
    phi: (x) => x * normalCdf(x),
    dphi: (x) => normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x),
    both(x, out) {
      const c = normalCdf(x);
      out[0] = x * c;
      out[1] = c + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    },
  },
  softplus: {
    reflect: HALF_X_PLUS_EVEN,
    feature: Math.PI,
    ...SMOOTH,
    phi: softplus,
    dphi: sigmoid,
    both(x, out) {
      // One exponential for both: e = e^{−|x|} ∈ (0, 1].
      const e = Math.exp(-Math.abs(x));
      out[0] = Math.max(x, 0) + Math.log1p(e);
      out[1] = x >= 0 ? 1 / (1 + e) : e / (1 + e);
    },
  },
  sin: {
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
};

/** φ, φ' (float64) for a named activation; throws RangeError for an unknown name. */
export function scalarActivation(name: ActivationName): ScalarActivation {
  const a = TABLE[name];
  if (!a) throw new RangeError(`activation not supported: ${String(name)}`);
  return { name, ...a };
}
