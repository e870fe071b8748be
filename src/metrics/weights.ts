/** Relative movement of the parameters, which vanishes as n^{−1/2} in the lazy (NTK) regime (Lee et al. 2019, arXiv:1902.06720). */
import { flattenParams, type MlpParams } from '../model/params.js';

/** weight_change = ‖θ_t − θ₀‖₂ / ‖θ₀‖₂ over all weights and biases, accumulated in float64. */
export function weightChange(theta0: MlpParams, thetaT: MlpParams): number {
  const a = flattenParams(theta0);
  const b = flattenParams(thetaT);
  if (a.length !== b.length) throw new RangeError(`weightChange: ${a.length} and ${b.length} parameters`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (b[i] - a[i]) ** 2;
    den += a[i] * a[i];
  }
  return Math.sqrt(num / den);
}
