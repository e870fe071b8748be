/**
 * Gauss–Hermite quadrature rules ∫ f(x) e^{−x²} dx ≈ Σ_i w_i f(x_i) (physicists' weight), computed,
 * not tabulated: Golub–Welsch (Golub & Welsch 1969, Math. Comp. 23) takes the nodes as the
 * eigenvalues of the symmetric tridiagonal Jacobi matrix of the orthonormal Hermite polynomials
 * (zero diagonal, off-diagonal √(k/2)), via ml-matrix's EigenvalueDecomposition. The eigenvalues
 * are then polished by Newton steps on the orthonormal three-term recurrence and the weights are
 * taken as Christoffel numbers w_i = 1 / Σ_k p̃_k(x_i)², which, unlike squared eigenvector
 * components, keep full relative accuracy for the tiny weights of the outer nodes.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

export interface GaussHermiteRule {
  /** Nodes in increasing order, symmetric about 0. */
  readonly nodes: Float64Array;
  /** Positive weights, summing to √π. */
  readonly weights: Float64Array;
}

const PI_M14 = Math.PI ** -0.25;

/**
 * Orthonormal Hermite polynomials (weight e^{−x²}) at x: p̃_{n−1}(x), p̃_n(x) and Σ_{k<n} p̃_k(x)².
 * Recurrence: p̃_{k+1} = (√2 x p̃_k − √k p̃_{k−1}) / √(k+1), p̃_0 = π^{−1/4}.
 */
function orthonormal(n: number, x: number): { pPrev: number; p: number; sumSq: number } {
  let pm = 0;
  let p = PI_M14;
  let sumSq = 0;
  for (let k = 0; k < n; k++) {
    sumSq += p * p;
    const next = (Math.SQRT2 * x * p - Math.sqrt(k) * pm) / Math.sqrt(k + 1);
    pm = p;
    p = next;
  }
  return { pPrev: pm, p, sumSq };
}

const cache = new Map<number, GaussHermiteRule>();

/** The n-point Gauss–Hermite rule (exact for polynomials of degree ≤ 2n − 1); cached per n. */
export function gaussHermite(n: number): GaussHermiteRule {
  if (!Number.isInteger(n) || n < 1 || n > 400) {
    throw new RangeError(`Gauss–Hermite degree must be an integer in [1, 400], got ${n}`);
  }
  const hit = cache.get(n);
  if (hit) return hit;
  const jacobi = Matrix.zeros(n, n);
  for (let k = 1; k < n; k++) {
    const b = Math.sqrt(k / 2);
    jacobi.set(k - 1, k, b);
    jacobi.set(k, k - 1, b);
  }
  const evd = new EigenvalueDecomposition(jacobi, { assumeSymmetric: true });
  const nodes = Float64Array.from(evd.realEigenvalues).sort();
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = nodes[i];
    // Newton on p̃_n: p̃_n' = √(2n) p̃_{n−1}. Two steps suffice from an eigenvalue accurate to ~1e-15.
    for (let it = 0; it < 3; it++) {
      const { pPrev, p } = orthonormal(n, x);
      const dx = p / (Math.sqrt(2 * n) * pPrev);
      x -= dx;
      if (Math.abs(dx) <= 1e-16 * Math.max(1, Math.abs(x))) break;
    }
    nodes[i] = x;
    weights[i] = 1 / orthonormal(n, x).sumSq;
  }
  // Enforce the exact symmetry of the rule (the eigen-solver leaves ~1e-15 asymmetries).
  for (let i = 0; i < n >> 1; i++) {
    const j = n - 1 - i;
    const x = 0.5 * (nodes[j] - nodes[i]);
    const w = 0.5 * (weights[i] + weights[j]);
    nodes[i] = -x;
    nodes[j] = x;
    weights[i] = w;
    weights[j] = w;
  }
  if (n % 2 === 1) nodes[n >> 1] = 0;
  const rule = { nodes, weights };
  cache.set(n, rule);
  return rule;
}
