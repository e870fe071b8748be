/**
 * The two scalar functions of an eigenvalue through which every gradient-descent prediction is
 * evaluated (docs/design.md §4). With ε = η/N and x = ελ, gradient descent on L = 1/(2N)‖f − y‖² moves
 * the training residual's component along an eigenvector of Θ by the factor
 *
 *     d_t(λ) = (1 − ελ)^t            (discrete steps; e^{−ελt} in continuous time)
 *
 * and Θ⁻¹(I − (I − εΘ)^t) acts on it as
 *
 *     g_t(λ) = (1 − d_t(λ)) / λ       (→ εt as λ → 0)
 *
 * (Lee et al. 2019, arXiv:1902.06720, eqs. 9–11 and their discrete-time analogue). Both are
 * computed without cancellation: 1 − (1 − x)^t = −expm1(t·log1p(−x)) for x < 1, and for
 * 1 < x (where 1 − x < 0 and the step overshoots) |1 − x|^t = exp(t·log1p(x − 2)) with the sign
 * (−1)^t. Negative eigenvalues (rounding in a positive semi-definite kernel) are treated as 0,
 * as neural-tangents does.
 */

/** `discrete`: t gradient-descent steps of size η; `continuous`: gradient flow for time ηt. */
export type TimeMode = 'discrete' | 'continuous';

/** Checks a step count: a non-negative integer (discrete), a non-negative number (continuous), or Infinity. */
export function checkStep(t: number, mode: TimeMode): void {
  const ok = t === Infinity || (t >= 0 && Number.isFinite(t) && (mode === 'continuous' || Number.isInteger(t)));
  if (!ok) {
    throw new RangeError(
      mode === 'discrete'
        ? `steps must be non-negative integers or Infinity, got ${t}`
        : `times must be non-negative numbers or Infinity, got ${t}`,
    );
  }
}

/**
 * d_t(λ) = (1 − ελ)^t (discrete) or e^{−ελt} (continuous), with ε = η/N.
 * At t = Infinity: 0 for modes that converge (0 < ελ < 2), 1 for λ ≤ 0, NaN where the discrete
 * iteration does not converge (ελ ≥ 2).
 */
export function decayFactor(lambda: number, lrOverN: number, t: number, mode: TimeMode = 'discrete'): number {
  const x = lrOverN * Math.max(lambda, 0);
  if (t === 0 || x === 0) return 1;
  if (mode === 'continuous') return Math.exp(-x * t);
  if (x < 1) return t === Infinity ? 0 : Math.exp(t * Math.log1p(-x));
  if (x === 1) return 0;
  if (t === Infinity) return x < 2 ? 0 : NaN;
  const mag = Math.exp(t * Math.log1p(x - 2)); // |1 − x|^t, 1 − x ∈ (−∞, 0)
  return t % 2 === 0 ? mag : -mag;
}

/**
 * g_t(λ) = (1 − d_t(λ))/λ, the eigenvalue function of Θ⁻¹(I − (I − εΘ)^t), ε = η/N; equal to εt
 * at λ = 0 (its limit) for finite t. At t = Infinity it is 1/λ for converging modes and 0 for
 * λ ≤ 0 (the pseudo-inverse), NaN where the discrete iteration diverges (ελ ≥ 2).
 */
export function gainFactor(lambda: number, lrOverN: number, t: number, mode: TimeMode = 'discrete'): number {
  const lam = Math.max(lambda, 0);
  const x = lrOverN * lam;
  if (t === 0) return 0;
  if (x === 0) return t === Infinity ? 0 : lrOverN * t;
  if (t === Infinity) return mode === 'continuous' || x < 2 ? 1 / lam : NaN;
  if (mode === 'continuous') return -Math.expm1(-x * t) / lam;
  if (x < 1) return -Math.expm1(t * Math.log1p(-x)) / lam;
  if (x === 1) return 1 / lam;
  const logMag = t * Math.log1p(x - 2); // log |1 − x|^t
  const oneMinusD = t % 2 === 0 ? -Math.expm1(logMag) : 1 + Math.exp(logMag);
  return oneMinusD / lam;
}
