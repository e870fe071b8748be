/**
 * A dense row-major float64 matrix: the exchange type of the core for everything computed
 * in double precision (analytic kernels, predictions, metrics) and for data sets.
 * Float32 results from TensorFlow.js are widened into it with {@link fromFloat32}.
 */
export interface Mat {
  readonly rows: number;
  readonly cols: number;
  /** rows × cols values, row-major. */
  readonly data: Float64Array;
}

export function makeMat(rows: number, cols: number, data?: ArrayLike<number>): Mat {
  const d = new Float64Array(rows * cols);
  if (data) {
    if (data.length !== rows * cols) {
      throw new RangeError(`makeMat: expected ${rows * cols} values for ${rows}×${cols}, got ${data.length}`);
    }
    d.set(data);
  }
  return { rows, cols, data: d };
}

export function fromFloat32(rows: number, cols: number, data: Float32Array): Mat {
  return makeMat(rows, cols, data);
}

export function at(m: Mat, i: number, j: number): number {
  return m.data[i * m.cols + j];
}

/** Row i as a fresh Float64Array. */
export function row(m: Mat, i: number): Float64Array {
  return m.data.slice(i * m.cols, (i + 1) * m.cols);
}

export function frobenius(m: Mat): number {
  let s = 0;
  for (const v of m.data) s += v * v;
  return Math.sqrt(s);
}

/** ‖a − b‖_F / ‖b‖_F. */
export function relFrobenius(a: Mat, b: Mat): number {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`relFrobenius: shapes ${a.rows}×${a.cols} and ${b.rows}×${b.cols} differ`);
  }
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i];
    num += d * d;
    den += b.data[i] * b.data[i];
  }
  return Math.sqrt(num / den);
}

/** Rows [start, end) of m. */
export function sliceRows(m: Mat, start: number, end: number): Mat {
  return { rows: end - start, cols: m.cols, data: m.data.slice(start * m.cols, end * m.cols) };
}

/** Rows of a and then rows of b (same column count). */
export function stackRows(a: Mat, b: Mat): Mat {
  if (a.cols !== b.cols) throw new RangeError(`stackRows: ${a.cols} and ${b.cols} columns`);
  const d = new Float64Array((a.rows + b.rows) * a.cols);
  d.set(a.data);
  d.set(b.data, a.data.length);
  return { rows: a.rows + b.rows, cols: a.cols, data: d };
}
