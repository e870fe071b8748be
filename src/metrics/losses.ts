/** The training objective of docs/design.md §2 evaluated on float64 predictions. */
import type { Mat } from '../linalg/mat.js';

/**
 * L = 1/(2N) Σ_i ‖f(x_i) − y_i‖² over the N rows (summed over the k outputs), the loss that
 * src/model/train.ts minimises and logs, so predicted and measured losses compare directly.
 */
export function mseLoss(f: Mat, y: Mat): number {
  if (f.rows !== y.rows || f.cols !== y.cols) {
    throw new RangeError(`mseLoss: predictions are ${f.rows}×${f.cols}, targets ${y.rows}×${y.cols}`);
  }
  if (f.rows === 0) return NaN;
  let s = 0;
  for (let i = 0; i < f.data.length; i++) s += (f.data[i] - y.data[i]) ** 2;
  return s / (2 * f.rows);
}
