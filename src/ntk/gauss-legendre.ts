/**
 * Gauss–Legendre rules ∫_{−1}^{1} f(t) dt ≈ Σ_i w_i f(t_i), computed by Newton's method on the
 * Legendre three-term recurrence from the Tricomi initial guesses (exact for polynomials of degree
 * ≤ 2n − 1); cached per n. The panel quadrature of src/ntk/gaussian-rules.ts maps them onto panels.
 */
export interface GaussLegendreRule {
  /** Nodes in increasing order, symmetric about 0. */
  readonly nodes: Float64Array;
  /** Positive weights, summing to 2. */
  readonly weights: Float64Array;
}

const cache = new Map<number, GaussLegendreRule>();

/** P_n(x) and P_n'(x) by the recurrence (k+1) P_{k+1} = (2k+1) x P_k − k P_{k−1}. */
function legendre(n: number, x: number): { p: number; dp: number } {
  let pm = 1;
  let p = x;
  for (let k = 1; k < n; k++) {
    const next = ((2 * k + 1) * x * p - k * pm) / (k + 1);
    pm = p;
    p = next;
  }
  return { p, dp: (n * (x * p - pm)) / (x * x - 1) };
}

/** The n-point Gauss–Legendre rule on [−1, 1]. */
export function gaussLegendre(n: number): GaussLegendreRule {
  if (!Number.isInteger(n) || n < 1 || n > 200) {
    throw new RangeError(`Gauss–Legendre degree must be an integer in [1, 200], got ${n}`);
  }
  const hit = cache.get(n);
  if (hit) return hit;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < (n + 1) >> 1; i++) {
    // Tricomi's guess for the i-th largest root, then Newton to machine precision.
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 1;
    for (let it = 0; it < 100; it++) {
      const r = legendre(n, x);
      dp = r.dp;
      const dx = r.p / r.dp;
      x -= dx;
      if (Math.abs(dx) <= 1e-16) break;
    }
    dp = legendre(n, x).dp;
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[n - 1 - i] = x;
    nodes[i] = -x;
    weights[n - 1 - i] = w;
    weights[i] = w;
  }
  if (n % 2 === 1) nodes[n >> 1] = 0;
  const rule = { nodes, weights };
  cache.set(n, rule);
  return rule;
}
