/**
 * How far an empirical NTK is from the infinite-width one and from where it started (DESIGN §5).
 * At initialisation Θ̂₀ − Θ_∞ = O(n^{−1/2}) in the width n (Jacot et al. 2018, arXiv:1806.07572),
 * and the drift during training is O(n^{−1/2}) as well (Lee et al. 2019, arXiv:1902.06720, Thm 2.1).
 */
import { relFrobenius, type Mat } from '../linalg/mat.js';

/** kernel_rel_err = ‖Θ̂_t − Θ_∞‖_F / ‖Θ_∞‖_F. */
export function kernelRelErr(thetaHat: Mat, thetaInf: Mat): number {
  return relFrobenius(thetaHat, thetaInf);
}

/** kernel_drift = ‖Θ̂_t − Θ̂₀‖_F / ‖Θ̂₀‖_F. */
export function kernelDrift(thetaHatT: Mat, thetaHat0: Mat): number {
  return relFrobenius(thetaHatT, thetaHat0);
}
