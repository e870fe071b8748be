/**
 * Conversions between the core's float64 {@link Mat} and ml-matrix's `Matrix`, plus the few
 * products the prediction code needs. All float64; ml-matrix does the linear algebra so that no
 * eigensolver or factorisation is hand-written here.
 */
import { Matrix } from 'ml-matrix';
import type { Mat } from '../linalg/mat.js';

/** m as an ml-matrix Matrix (a copy). */
export function toMatrix(m: Mat): Matrix {
  return Matrix.from1DArray(m.rows, m.cols, m.data);
}

/** An ml-matrix Matrix as a {@link Mat} (a copy). */
export function fromMatrix(m: Matrix): Mat {
  const rows = m.rows;
  const cols = m.columns;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = m.getRow(i);
    for (let j = 0; j < cols; j++) data[i * cols + j] = r[j];
  }
  return { rows, cols, data };
}

/** Throws a RangeError naming `what` unless m is square. */
export function checkSquare(m: Mat, what: string): void {
  if (m.rows !== m.cols) throw new RangeError(`${what} must be square, got ${m.rows}×${m.cols}`);
}

/** Throws a RangeError naming both shapes unless m is rows × cols. */
export function checkShape(m: Mat, rows: number, cols: number, what: string): void {
  if (m.rows !== rows || m.cols !== cols) {
    throw new RangeError(`${what} is ${m.rows}×${m.cols}, expected ${rows}×${cols}`);
  }
}

/** Throws a RangeError naming `what` unless every entry of m is finite. */
export function checkFinite(m: Mat, what: string): void {
  for (const v of m.data) {
    if (!Number.isFinite(v)) throw new RangeError(`${what} has a non-finite entry (${v})`);
  }
}
