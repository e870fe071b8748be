/**
 * One-dimensional rules for standard-normal expectations E[f(z)] = ∫ f(z) e^{−z²/2}/√(2π) dz when
 * f(z) = φ(center-shifted, scaled argument) may vary on a scale much finer than the Gaussian's:
 * the building block of the quadrature dual activations (src/ntk/dual-activations.ts).
 *
 * - Gauss–Hermite (HERMITE_POINTS) while the activation's feature is at least HERMITE_MIN_FEATURE
 *   wide in z: the rule is exact for polynomials of degree 2n − 1 and converges geometrically for
 *   f analytic in a wide strip.
 * - Otherwise composite Gauss–Legendre on panels of [−Z, Z]: panels graded geometrically (ratio
 *   RATIO) away from the point where f varies fastest, from the width of f's feature up to
 *   PANEL_WIDTH, then PANEL_WIDTH wide out to ±Z. An activation analytic in a strip of half-width
 *   ℓ about the real axis (tanh: ℓ = π/2, the sigmoid of softplus: π) is then resolved by every
 *   panel (each is no wider than its distance to the nearest singularity allows), the Gaussian by
 *   panels of width ≤ PANEL_WIDTH, and the tails beyond ±Z carry 2Φ(−Z) ≈ 2e-17 of the mass.
 *   A kink (relu) sits on a panel edge, where the rule is exact for piecewise polynomials.
 *
 * The constants were chosen on evidence, against scipy's adaptive quadrature (QUADPACK) at
 * pre-activation variances 0.1 … 1e4 and against the closed forms of erf and relu
 * (test/interop/quadrature-reference.test.ts, test/unit/ntk/analytic.test.ts); docs/quadrature.md
 * states the error bound and the measurements.
 */
import { gaussHermite } from './gauss-hermite.js';
import { gaussLegendre } from './gauss-legendre.js';

/** Gauss–Hermite points used while the integrand is smooth on the Gaussian's scale. */
export const HERMITE_POINTS = 64;
/** Gauss–Hermite is used while the activation's feature, in z, is at least this wide. */
export const HERMITE_MIN_FEATURE = 3;
/** Gauss–Legendre points per panel. */
export const PANEL_POINTS = 12;
/** Widest panel (in z, where the Gaussian has unit scale). */
export const PANEL_WIDTH = 2.5;
/** Ratio of neighbouring panel widths in the graded part. */
export const RATIO = 2;
/** Half-width of the truncated domain in z. */
export const Z = 8.5;

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** A rule written into reusable buffers: the first `n` entries of `nodes` and `weights` are valid. */
export class RuleBuffer {
  nodes = new Float64Array(256);
  weights = new Float64Array(256);
  n = 0;

  push(z: number, w: number): void {
    if (this.n === this.nodes.length) {
      const nodes = new Float64Array(this.n * 2);
      const weights = new Float64Array(this.n * 2);
      nodes.set(this.nodes);
      weights.set(this.weights);
      this.nodes = nodes;
      this.weights = weights;
    }
    this.nodes[this.n] = z;
    this.weights[this.n] = w;
    this.n++;
  }
}

let hermite: { nodes: Float64Array; weights: Float64Array } | undefined;

/** Gauss–Hermite in the standard-normal form: nodes √2 x_i, weights w_i/√π. */
function standardHermite(): { nodes: Float64Array; weights: Float64Array } {
  if (!hermite) {
    const { nodes, weights } = gaussHermite(HERMITE_POINTS);
    hermite = {
      nodes: nodes.map((x) => Math.SQRT2 * x),
      weights: weights.map((w) => w / Math.sqrt(Math.PI)),
    };
  }
  return hermite;
}

/** Appends the Gauss–Legendre nodes of panel [lo, hi] with the Gaussian density folded into the weights. */
function addPanel(out: RuleBuffer, lo: number, hi: number): void {
  const { nodes, weights } = gaussLegendre(PANEL_POINTS);
  const mid = 0.5 * (lo + hi);
  const half = 0.5 * (hi - lo);
  for (let i = 0; i < nodes.length; i++) {
    const z = mid + half * nodes[i];
    out.push(z, half * weights[i] * INV_SQRT_2PI * Math.exp(-0.5 * z * z));
  }
}

const breaks: number[] = [];

/** What the rule must resolve about f (see ScalarFns in src/activations/activation.ts). */
export interface Traits {
  readonly periodic: boolean;
  readonly kink: boolean;
}

/**
 * The rule for E[f(z)] where f turns near z = center over a width `feature` (in z), written into
 * `out`. `half`: only the nodes with z > 0 of the rule (center must be 0), for integrands the
 * caller mirrors itself. An infinite (or zero, or NaN) width means f has no feature but a kink
 * at the center, or none at all.
 */
export function gaussianRule(out: RuleBuffer, center: number, feature: number, traits: Traits, half = false): void {
  out.n = 0;
  const { periodic, kink } = traits;
  if (!(feature > 0)) feature = Infinity;
  if (!kink && feature >= HERMITE_MIN_FEATURE) {
    const h = standardHermite();
    const from = half ? h.nodes.length >> 1 : 0;
    for (let i = from; i < h.nodes.length; i++) out.push(h.nodes[i], h.weights[i]);
    return;
  }
  const width = periodic ? Math.min(PANEL_WIDTH, feature) : PANEL_WIDTH;
  breaks.length = 0;
  const lo = half ? 0 : -Z;
  breaks.push(lo, Z);
  if (center > lo && center < Z) breaks.push(center);
  // Offsets from the center: graded from `feature` up to `width`, then `width` apart.
  const reach = Z + Math.abs(center);
  let x = Math.min(feature, width);
  while (x < reach) {
    for (const y of [center - x, center + x]) if (y > lo && y < Z) breaks.push(y);
    x = x < width ? Math.min(x * RATIO, width) : x + width;
  }
  breaks.sort((p, q) => p - q);
  for (let i = 1; i < breaks.length; i++) {
    if (breaks[i] > breaks[i - 1]) addPanel(out, breaks[i - 1], breaks[i]);
  }
}
