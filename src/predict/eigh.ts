/**
 * Symmetric eigendecomposition Θ = V Λ Vᵀ through ml-matrix's `EigenvalueDecomposition`
 * (Householder tridiagonalisation + QL, as in JAMA/EISPACK tred2/tql2), reordered so that the
 * eigenvalues come largest first, as spectra and η_crit = 2N/λ_max read them.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Mat } from '../linalg/mat.js';
import { checkFinite, checkSquare } from './dense.js';

export interface SymmetricEigen {
  /** Eigenvalues λ_1 ≥ λ_2 ≥ … ≥ λ_n. */
  values: Float64Array;
  /** n × n orthogonal matrix whose column i is the unit eigenvector of values[i]. */
  vectors: Mat;
}

/**
 * Eigenvalues (descending) and orthonormal eigenvectors of a symmetric matrix. The input is
 * symmetrised as (m + mᵀ)/2 first: kernels computed in float32 and widened are symmetric only to
 * rounding, and the symmetric solver must not see that asymmetry.
 *
 * @example
 * const { values, vectors } = eigh(thetaTrain); // values[0] = λ_max
 */
export function eigh(m: Mat): SymmetricEigen {
  checkSquare(m, 'eigh: the matrix');
  checkFinite(m, 'eigh: the matrix');
  const n = m.rows;
  const sym = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) sym.set(i, j, 0.5 * (m.data[i * n + j] + m.data[j * n + i]));
  }
  const dec = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
  const vals = dec.realEigenvalues;
  const vecs = dec.eigenvectorMatrix;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => vals[b] - vals[a]);
  const values = new Float64Array(n);
  const data = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = vals[src];
    for (let i = 0; i < n; i++) data[i * n + dst] = vecs.get(i, src);
  });
  return { values, vectors: { rows: n, cols: n, data } };
}
