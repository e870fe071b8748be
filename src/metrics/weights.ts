/** Relative movement of the parameters, which vanishes as n^{−1/2} in the lazy (NTK) regime (Lee et al. 2019, arXiv:1902.06720). */
import type { MlpParams } from '../model/params.js';

/**
 * weight_change = ‖θ_t − θ₀‖₂ / ‖θ₀‖₂ over all weights and biases, accumulated in float64.
 * Summed layer by layer: it runs at every logged step, and flattening both θ's would copy them.
 */
export function weightChange(theta0: MlpParams, thetaT: MlpParams): number {
  const a = [...theta0.weights, ...theta0.biases];
  const b = [...thetaT.weights, ...thetaT.biases];
  const shapeError = new RangeError('weightChange: the two parameter sets have different shapes');
  if (a.length !== b.length) throw shapeError;
  let num = 0;
  let den = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k];
    const y = b[k];
    if (x.length !== y.length) throw shapeError;
    for (let i = 0; i < x.length; i++) {
      num += (y[i] - x[i]) ** 2;
      den += x[i] * x[i];
    }
  }
  return Math.sqrt(num / den);
}
