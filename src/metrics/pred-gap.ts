/**
 * The gap between the trained network and a linearised prediction of it on the test points
 * (docs/design.md §5): with Θ_∞ (pred_gap_analytic, which falls as n^{−1/2} in the width n through
 * Θ̂₀ − Θ_∞) or Θ̂₀ (pred_gap_linear, bounded by O(n^{−1/2}) and typically falling faster; Lee et
 * al. 2019, arXiv:1902.06720). Rates, statuses and sources: src/metrics/catalogue.ts.
 */
import type { Mat } from '../linalg/mat.js';

export interface PredGap {
  /** √(1/M Σ_m ‖f_NN(x_m) − f_lin(x_m)‖²), M test points. */
  rms: number;
  /** rms / √(1/M Σ_m ‖f_NN(x_m)‖²). */
  relative: number;
}

/** RMS over test points of f_NN − f_lin, absolute and relative to the RMS of f_NN. */
export function predGap(fNN: Mat, fLin: Mat): PredGap {
  if (fNN.rows !== fLin.rows || fNN.cols !== fLin.cols) {
    throw new RangeError(`predGap: shapes ${fNN.rows}×${fNN.cols} and ${fLin.rows}×${fLin.cols} differ`);
  }
  if (fNN.rows === 0) return { rms: NaN, relative: NaN };
  let num = 0;
  let den = 0;
  for (let i = 0; i < fNN.data.length; i++) {
    num += (fNN.data[i] - fLin.data[i]) ** 2;
    den += fNN.data[i] ** 2;
  }
  const rms = Math.sqrt(num / fNN.rows);
  return { rms, relative: rms / Math.sqrt(den / fNN.rows) };
}
