/**
 * The training residual r_t = f_t(X) − y in the eigenbasis of Θ_∞ beside the linearised theory's
 * prediction: each component decays as (1 − ηλ_i/N)^t (Lee et al. 2019, arXiv:1902.06720;
 * spectral bias, Rahaman et al. 2019, arXiv:1806.08734: large-eigenvalue modes are learnt first).
 * For k outputs a mode's size is the 2-norm over outputs of v_iᵀ r_t.
 */
import type { Mat } from '../linalg/mat.js';
import { decayFactor, type TimeMode } from '../predict/decay.js';
import type { SymmetricEigen } from '../predict/eigh.js';

/** ‖v_iᵀ R‖₂ (over the k outputs) for the first `top` eigenvectors v_i. */
export function residualProjections(eigen: SymmetricEigen, residual: Mat, top: number): Float64Array {
  const n = eigen.vectors.rows;
  if (residual.rows !== n) throw new RangeError(`residual has ${residual.rows} rows, the kernel ${n}`);
  const k = residual.cols;
  const m = Math.min(top, n);
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s2 = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += eigen.vectors.data[r * n + i] * residual.data[r * k + j];
      s2 += s * s;
    }
    out[i] = Math.sqrt(s2);
  }
  return out;
}

/** One row of the residual-mode table. */
export interface ResidualModeRow {
  step: number;
  /** Rank of the eigenvalue (0 = largest). */
  mode: number;
  eigenvalue: number;
  /** ‖v_iᵀ r_t‖ measured on the network. */
  observed: number;
  /** |1 − ηλ_i/N|^t ‖v_iᵀ r_0‖, the linearised prediction. */
  predicted: number;
}

/**
 * Observed and predicted residual projections on the top eigenvectors of Θ_∞ at each logged step.
 * `residuals` holds f_t(X) − y of the trained network; the prediction starts from the entry with
 * the smallest step (normally step 0).
 */
export function residualModeTable(
  eigen: SymmetricEigen,
  residuals: readonly { step: number; residual: Mat }[],
  lr: number,
  top: number,
  time: TimeMode = 'discrete',
): ResidualModeRow[] {
  if (residuals.length === 0) return [];
  const start = residuals.reduce((a, b) => (b.step < a.step ? b : a));
  const p0 = residualProjections(eigen, start.residual, top);
  const eps = lr / eigen.vectors.rows;
  const rows: ResidualModeRow[] = [];
  for (const { step, residual } of residuals) {
    const obs = residualProjections(eigen, residual, top);
    for (let i = 0; i < obs.length; i++) {
      const d = decayFactor(eigen.values[i], eps, step - start.step, time);
      rows.push({ step, mode: i, eigenvalue: eigen.values[i], observed: obs[i], predicted: Math.abs(d) * p0[i] });
    }
  }
  return rows;
}
