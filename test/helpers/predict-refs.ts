/**
 * Independent references for the prediction tests: plain-loop float64 matrix algebra and the
 * explicit gradient-descent iteration, sharing no code with src/predict (no eigendecomposition).
 */
import { makeMat, type Mat } from '../../src/linalg/mat.js';
import { makeRng } from '../../src/rng.js';

export function randn(rows: number, cols: number, seed: number, stream = 'randn'): Mat {
  const rng = makeRng(seed, stream);
  const m = makeMat(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

export function matmul(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) throw new RangeError(`matmul ${a.rows}×${a.cols} · ${b.rows}×${b.cols}`);
  const out = makeMat(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let p = 0; p < a.cols; p++) {
      const v = a.data[i * a.cols + p];
      if (v === 0) continue;
      for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j] += v * b.data[p * b.cols + j];
    }
  }
  return out;
}

export function transpose(a: Mat): Mat {
  const out = makeMat(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j];
  return out;
}

export function add(a: Mat, b: Mat, sb = 1): Mat {
  const out = makeMat(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = a.data[i] + sb * b.data[i];
  return out;
}

export function scale(a: Mat, s: number): Mat {
  return makeMat(
    a.rows,
    a.cols,
    a.data.map((v) => v * s),
  );
}

export function identity(n: number): Mat {
  const m = makeMat(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

/** Block [r0, r1) × [c0, c1) of m. */
export function block(m: Mat, r0: number, r1: number, c0: number, c1: number): Mat {
  const out = makeMat(r1 - r0, c1 - c0);
  for (let i = r0; i < r1; i++)
    for (let j = c0; j < c1; j++) out.data[(i - r0) * (c1 - c0) + (j - c0)] = m.data[i * m.cols + j];
  return out;
}

/** ‖a − b‖_F / ‖b‖_F (‖a − b‖_F when b = 0). */
export function relErr(a: Mat, b: Mat): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.data.length; i++) {
    num += (a.data[i] - b.data[i]) ** 2;
    den += b.data[i] ** 2;
  }
  return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
}

/**
 * A random positive semi-definite kernel on n1 + n2 points, G Gᵀ/p with G Gaussian (p features),
 * split into the train block (n1 × n1), test-train block and test-test block.
 */
export function randomKernel(n1: number, n2: number, p: number, seed: number, stream = 'kernel') {
  const g = randn(n1 + n2, p, seed, stream);
  const full = scale(matmul(g, transpose(g)), 1 / p);
  const n = n1 + n2;
  return {
    full,
    train: block(full, 0, n1, 0, n1),
    testTrain: block(full, n1, n, 0, n1),
    testTest: block(full, n1, n, n1, n),
  };
}

/**
 * Gradient descent of the linearised model in function space, step by step: r ← r − (η/N) Θ r on
 * the train residual, f* ← f* − (η/N) Θ(x*, X) r on test points. Returns the states at `steps`.
 */
export function iterateGd(
  thetaTrain: Mat,
  thetaTestTrain: Mat,
  yTrain: Mat,
  fTrain0: Mat,
  fTest0: Mat,
  lr: number,
  steps: number[],
): { train: Mat[]; test: Mat[] } {
  const eps = lr / thetaTrain.rows;
  let f = fTrain0;
  let fs = fTest0;
  const train: Mat[] = [];
  const test: Mat[] = [];
  const last = Math.max(...steps);
  for (let t = 0; t <= last; t++) {
    if (steps.includes(t)) {
      train.push(f);
      test.push(fs);
    }
    const r = add(f, yTrain, -1);
    f = add(f, matmul(thetaTrain, r), -eps);
    fs = add(fs, matmul(thetaTestTrain, r), -eps);
  }
  return { train, test };
}

/** Cholesky factor L (lower) of a positive definite matrix, plain loops. */
export function cholesky(a: Mat): Mat {
  const n = a.rows;
  const l = makeMat(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a.data[i * n + j];
      for (let k = 0; k < j; k++) s -= l.data[i * n + k] * l.data[j * n + k];
      if (i === j) {
        if (s <= 0) throw new RangeError('cholesky: not positive definite');
        l.data[i * n + i] = Math.sqrt(s);
      } else {
        l.data[i * n + j] = s / l.data[j * n + j];
      }
    }
  }
  return l;
}

/** Solves a x = b for positive definite a by Gaussian elimination with partial pivoting (b: n × k). */
export function solveDense(a: Mat, b: Mat): Mat {
  const n = a.rows;
  const k = b.cols;
  const m = a.data.slice();
  const x = b.data.slice();
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[piv * n + c])) piv = r;
    if (piv !== c) {
      for (let j = 0; j < n; j++) [m[c * n + j], m[piv * n + j]] = [m[piv * n + j], m[c * n + j]];
      for (let j = 0; j < k; j++) [x[c * k + j], x[piv * k + j]] = [x[piv * k + j], x[c * k + j]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c] / m[c * n + c];
      if (f === 0) continue;
      for (let j = c; j < n; j++) m[r * n + j] -= f * m[c * n + j];
      for (let j = 0; j < k; j++) x[r * k + j] -= f * x[c * k + j];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    for (let j = 0; j < k; j++) {
      let s = x[c * k + j];
      for (let q = c + 1; q < n; q++) s -= m[c * n + q] * x[q * k + j];
      x[c * k + j] = s / m[c * n + c];
    }
  }
  return { rows: n, cols: k, data: x };
}
