/**
 * Dual activations: for (u, v) ~ N(0, [[q11, q12], [q12, q22]]) the two Gaussian expectations that
 * drive the infinite-width kernel recursion (docs/design.md §3; Lee et al. 2018, arXiv:1711.00165;
 * Jacot et al. 2018, arXiv:1806.07572):
 *
 *     E[φ(u)φ(v)]   (the NNGP map)        E[φ'(u)φ'(v)]   (the derivative map of the NTK)
 *
 * Closed forms where an activation's file declares one (src/activations/: relu, erf, sin); nested
 * one-dimensional quadrature adapted to the variances for any activation (the others, and as a
 * cross-check of the closed forms; docs/quadrature.md). Every method clips the correlation c = q12/√(q11 q22) into
 * [−1, 1] first, so round-off can never take it outside the domain of arccos/arcsin or make the
 * conditional variance negative.
 */
import { activation, type ActivationName } from '../activations/index.js';
import { correlation } from '../activations/activation.js';
import { gaussianRule, RuleBuffer } from './gaussian-rules.js';

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

/**
 * Both expectations by nested one-dimensional rules, written through the conditional
 * decomposition u = σ1 z1, v = a z1 + b z2 with z1, z2 i.i.d. N(0, 1), σ1 = √q11, a = c√q22,
 * b = √q22 √(1 − c²):
 *
 *     E[g(u)h(v)] = E_{z1}[ g(σ1 z1) · E_{z2}[h(a z1 + b z2)] ].
 *
 * Each rule comes from src/ntk/gaussian-rules.ts: Gauss–Hermite while φ(σ z) is smooth on the
 * Gaussian's scale, otherwise Gauss–Legendre panels graded towards the point where the activation
 * turns (z1 = 0 outside; z2 = −a z1/b inside) and truncated at ±Z. The activation's feature
 * width ℓ (the half-width of its strip of analyticity, ScalarFns in src/activations/activation.ts) sets the
 * finest panel, ℓ/σ in z, so the rule adapts to any pre-activation variance instead of needing a
 * Gauss–Hermite degree that grows like the variance. The mirrored outer half (z1 → −z1) comes from
 * the activation's reflection identities, since the inner rule at −z1 is the mirror image of the
 * one at z1.
 */
export function quadratureDual(name: ActivationName): DualActivation {
  const act = activation(name).scalar;
  const { p, l, k, m } = act.reflect;
  const { kink } = act;
  const feature = kink ? 0 : act.feature;
  const outer = new RuleBuffer();
  const inner = new RuleBuffer();
  const tmp = new Float64Array(2);
  return {
    name,
    method: 'quadrature',
    expect(q11, q22, q12, out) {
      const c = correlation(q11, q22, q12);
      const s1 = Math.sqrt(Math.max(q11, 0));
      const s2 = Math.sqrt(Math.max(q22, 0));
      const a = s2 * c;
      const b = s2 * Math.sqrt(Math.max(0, 1 - c * c));
      // The outer integrand turns near z1 = 0 through g(σ1 z1) (width ℓ/σ1; a kink sits on a
      // panel edge instead) and through E_{z2}[h(a z1 + b z2)], h smoothed by a Gaussian of
      // width b (width √(ℓ² + b²)/|a|).
      const gWidth = kink ? Infinity : feature / s1;
      gaussianRule(outer, 0, Math.min(gWidth, Math.hypot(feature, b) / Math.abs(a)), act, true);
      const innerWidth = kink ? Infinity : feature / b;
      let e = 0;
      let ed = 0;
      for (let i = 0; i < outer.n; i++) {
        const z = outer.nodes[i];
        const base = a * z;
        let g = 0;
        let gd = 0;
        let w0 = 0; // Σ w_b and Σ w_b t_b, for the mirrored half
        let w1 = 0;
        if (b > 0) {
          gaussianRule(inner, -base / b, innerWidth, act);
          for (let j = 0; j < inner.n; j++) {
            const t = base + b * inner.nodes[j];
            const wb = inner.weights[j];
            act.both(t, tmp);
            g += wb * tmp[0];
            gd += wb * tmp[1];
            w0 += wb;
            w1 += wb * t;
          }
        } else {
          act.both(base, tmp);
          g = tmp[0];
          gd = tmp[1];
          w0 = 1;
          w1 = base;
        }
        // Mirror node −z1: every argument is negated, φ(−t) = p φ(t) − l t, φ'(−t) = k + m φ'(t).
        const gm = p * g - l * w1;
        const gdm = k * w0 + m * gd;
        const u = s1 * z;
        act.both(u, tmp);
        const fm = p * tmp[0] - l * u;
        const dm = k + m * tmp[1];
        const wa = outer.weights[i];
        e += wa * (tmp[0] * g + fm * gm);
        ed += wa * (tmp[1] * gd + dm * gdm);
      }
      out[0] = e;
      out[1] = ed;
    },
  };
}

export interface DualOptions {
  /** 'auto' (default): closed form where there is one, quadrature otherwise. */
  method?: 'auto' | DualMethod;
}

/** The dual activation of `name` by the requested method. */
export function dualActivation(name: ActivationName, opts: DualOptions = {}): DualActivation {
  const method = opts.method ?? 'auto';
  const closedForm = activation(name).dual;
  if (method === 'closed-form' && !closedForm) {
    throw new RangeError(`no closed-form dual for activation ${name}; use method 'quadrature'`);
  }
  if (closedForm && method !== 'quadrature') return { name, method: 'closed-form', expect: closedForm };
  return quadratureDual(name);
}
