/**
 * Dual activations: for (u, v) ~ N(0, [[q11, q12], [q12, q22]]) the two Gaussian expectations that
 * drive the infinite-width kernel recursion (DESIGN §3; Lee et al. 2018, arXiv:1711.00165;
 * Jacot et al. 2018, arXiv:1806.07572):
 *
 *     E[φ(u)φ(v)]   (the NNGP map)        E[φ'(u)φ'(v)]   (the derivative map of the NTK)
 *
 * Closed forms for ReLU (the arc-cosine kernel, Cho & Saul 2009) and erf (Williams 1997);
 * two-dimensional Gauss–Hermite quadrature for any activation (tanh, gelu, softplus, sin, and as
 * a cross-check of the closed forms). Every method clips the correlation c = q12/√(q11 q22) into
 * [−1, 1] first, so round-off can never take it outside the domain of arccos/arcsin or make the
 * conditional variance negative.
 */
import type { ActivationName } from '../model/spec.js';
import { gaussHermite } from './gauss-hermite.js';
import { scalarActivation } from './scalar-activations.js';

export type DualMethod = 'closed-form' | 'quadrature';

export interface DualActivation {
  readonly name: ActivationName;
  readonly method: DualMethod;
  /**
   * Writes out[0] = E[φ(u)φ(v)] and out[1] = E[φ'(u)φ'(v)] for (u, v) centred Gaussian with
   * Var u = q11, Var v = q22, Cov(u, v) = q12. A zero variance means that variable is the
   * constant 0 (φ'(0) follows the activation's convention, relu'(0) = 0).
   */
  expect(q11: number, q22: number, q12: number, out: Float64Array): void;
}

/** Activations with a closed form here. */
export const CLOSED_FORM_ACTIVATIONS: readonly ActivationName[] = ['relu', 'erf'];

/** c = q12/√(q11 q22) clipped into [−1, 1]; 0 when a variance is 0 (then u or v is constant). */
export function correlation(q11: number, q22: number, q12: number): number {
  const den = q11 * q22;
  if (!(den > 0)) return 0;
  const c = q12 / Math.sqrt(den);
  return c > 1 ? 1 : c < -1 ? -1 : c;
}

const INV_2PI = 1 / (2 * Math.PI);

/**
 * ReLU, the arc-cosine kernel of degree 1 and 0 (Cho & Saul 2009): with θ = arccos c,
 * E[φφ] = √(q11 q22)(sin θ + (π − θ) c)/(2π), E[φ'φ'] = (π − θ)/(2π).
 */
export function reluDual(): DualActivation {
  return {
    name: 'relu',
    method: 'closed-form',
    expect(q11, q22, q12, out) {
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
  };
}

/**
 * erf (Williams 1997, "Computing with infinite networks"):
 * E[φφ] = (2/π) arcsin(2 q12 / √((1 + 2q11)(1 + 2q22))),
 * E[φ'φ'] = (4/π) / √((1 + 2q11)(1 + 2q22) − 4 q12²).
 */
export function erfDual(): DualActivation {
  return {
    name: 'erf',
    method: 'closed-form',
    expect(q11, q22, q12, out) {
      const c = correlation(q11, q22, q12);
      const q = c * Math.sqrt(Math.max(q11, 0) * Math.max(q22, 0)); // the clipped covariance
      const a = (1 + 2 * q11) * (1 + 2 * q22);
      out[0] = (2 / Math.PI) * Math.asin((2 * q) / Math.sqrt(a));
      out[1] = 4 / Math.PI / Math.sqrt(a - 4 * q * q);
    },
  };
}

/**
 * Both expectations by the n × n tensor-product Gauss–Hermite rule, written through the
 * conditional decomposition u = √q11 z1, v = √q22 (c z1 + √(1 − c²) z2) with z1, z2 i.i.d.
 * N(0, 1) (the form neural-tangents' ElementwiseNumerical uses, arXiv:2209.04121):
 *
 *     E[g(u)h(v)] ≈ (1/π) Σ_a w_a g(√(2q11) x_a) Σ_b w_b h(√(2q22)(c x_a + √(1 − c²) x_b)).
 *
 * The number of points per dimension grows with the larger variance, n = degreeFor(q, degree):
 * in the Hermite variable the features of φ(√(2q) x) (tanh's poles at distance π/(2√(2q)) from the
 * real axis, erf's and GELU's steepening steps) shrink like 1/√q, and the Gauss–Hermite error for a
 * function analytic in a strip of half-width d falls like exp(−2d√(2n)), so n must grow like q
 * to keep the accuracy. The mirrored half of the grid (x_a → −x_a) comes for free from the
 * activation's reflection identities, so one call costs about n²/2 evaluations of (φ, φ').
 */
export function quadratureDual(name: ActivationName, degree: number = DEFAULT_QUADRATURE_DEGREE): DualActivation {
  const act = scalarActivation(name);
  const { p, l, k, m } = act.reflect;
  if (!Number.isInteger(degree) || degree < 2 || degree > MAX_QUADRATURE_DEGREE) {
    throw new RangeError(`quadrature degree must be an integer in [2, ${MAX_QUADRATURE_DEGREE}], got ${degree}`);
  }
  gaussHermite(degree);
  const tmp = new Float64Array(2);
  const SQRT_PI = Math.sqrt(Math.PI);
  return {
    name,
    method: 'quadrature',
    expect(q11, q22, q12, out) {
      const { nodes, weights } = gaussHermite(degreeFor(Math.max(q11, q22), degree));
      const n = nodes.length;
      const c = correlation(q11, q22, q12);
      const s1 = Math.sqrt(2 * Math.max(q11, 0));
      const s2 = Math.sqrt(2 * Math.max(q22, 0));
      const sc = s2 * Math.sqrt(1 - c * c);
      const s2c = s2 * c;
      let e = 0;
      let ed = 0;
      const half = n >> 1;
      for (let a = 0; a <= half; a++) {
        if (a === half && n % 2 === 0) break;
        const xa = nodes[a]; // x_{n−1−a} = −x_a
        const base = s2c * xa;
        let g = 0;
        let gd = 0;
        for (let b = 0; b < n; b++) {
          act.both(base + sc * nodes[b], tmp);
          const wb = weights[b];
          g += wb * tmp[0];
          gd += wb * tmp[1];
        }
        const u = s1 * xa;
        act.both(u, tmp);
        const wa = weights[a];
        if (a === half) {
          e += wa * tmp[0] * g; // the middle node x = 0 of an odd rule has no mirror
          ed += wa * tmp[1] * gd;
          break;
        }
        // Mirror node: every argument is negated, φ(−t) = p φ(t) − l t, φ'(−t) = k + m φ'(t),
        // and Σ_b w_b t_b = √π·base because the rule is symmetric.
        const gm = p * g - l * SQRT_PI * base;
        const gdm = k * SQRT_PI + m * gd;
        const fm = p * tmp[0] - l * u;
        const dm = k + m * tmp[1];
        e += wa * (tmp[0] * g + fm * gm);
        ed += wa * (tmp[1] * gd + dm * gdm);
      }
      out[0] = e / Math.PI;
      out[1] = ed / Math.PI;
    },
  };
}

/** Largest rule the quadrature will use. */
export const MAX_QUADRATURE_DEGREE = 400;

/**
 * Points per dimension for variances up to q: `degree` while q ≤ 1, then degree·q rounded up to a
 * multiple of 8 (so few distinct rules get built), at most MAX_QUADRATURE_DEGREE.
 */
export function degreeFor(q: number, degree: number): number {
  if (!(q > 1)) return degree;
  return Math.min(MAX_QUADRATURE_DEGREE, Math.max(degree, 8 * Math.ceil((degree * q) / 8)));
}

export interface DualOptions {
  /** 'auto' (default): closed form where there is one, quadrature otherwise. */
  method?: 'auto' | DualMethod;
  /** Gauss–Hermite points per dimension at unit variance (see degreeFor). */
  degree?: number;
}

/**
 * Default Gauss–Hermite points per dimension at unit variance (scaled up with the variance by
 * degreeFor): ≤ 1e-6 error relative to the kernel's scale for tanh, the hardest of the smooth
 * activations, and far below it for gelu, softplus, sin and erf (test/unit/analytic.test.ts).
 */
export const DEFAULT_QUADRATURE_DEGREE = 64;

/** The dual activation of `name` by the requested method. */
export function dualActivation(name: ActivationName, opts: DualOptions = {}): DualActivation {
  const method = opts.method ?? 'auto';
  const closed = CLOSED_FORM_ACTIVATIONS.includes(name);
  if (method === 'closed-form' && !closed) {
    throw new RangeError(`no closed-form dual for activation ${name}; use method 'quadrature'`);
  }
  if (closed && method !== 'quadrature') return name === 'relu' ? reluDual() : erfDual();
  return quadratureDual(name, opts.degree ?? DEFAULT_QUADRATURE_DEGREE);
}
