/**
 * How far an empirical NTK is from the infinite-width one and from where it started (docs/design.md §5).
 * At initialisation Θ̂₀ − Θ_∞ falls as n^{−1/2} in the width n (Jacot et al. 2018,
 * arXiv:1806.07572); the drift during training is bounded by O(n^{−1/2}) (Lee et al. 2019,
 * arXiv:1902.06720) and typically falls as n^{−1} (Hanin & Nica 2019, arXiv:1909.05989). The
 * statuses and sources live in src/metrics/catalogue.ts.
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
