/**
 * Targets computed from the inputs (docs/design.md §6): `sin`, `teacher`, `linear` and `product`.
 * Pure functions of (config, x): the same inputs give the same targets, so train and test sets
 * drawn from one distribution share one target function. (CSV `column` targets are read, not
 * computed: src/data/csv.ts.)
 */
import { makeMat, type Mat } from '../linalg/mat.js';
import { makeRng } from '../rng.js';
import type { TargetConfig } from '../config/types.js';

/** Targets that are functions of x. */
export type ComputedTarget = Exclude<TargetConfig, { kind: 'column' }>;

/** σ_w² = 2, σ_b = 0.1 for the teacher network (docs/design.md §3's reference setting). */
const TEACHER_W_STD = Math.SQRT2;
const TEACHER_B_STD = 0.1;

/**
 * The targets of `x` (N × n0) for `outputs` outputs, N × outputs in float64.
 * Throws RangeError when the target needs more input dimensions than x has or supports one output only.
 *
 * @example
 * computeTargets({ kind: 'sin', freq: 3 }, circleInputs(64, 0), 1); // sin(3γ)
 */
export function computeTargets(target: ComputedTarget, x: Mat, outputs: number): Mat {
  switch (target.kind) {
    case 'sin':
      return sinTarget(x, target.freq, outputs);
    case 'product':
      return productTarget(x, outputs);
    case 'linear':
      return linearTarget(x, target.seed, outputs);
    case 'teacher':
      return teacherTarget(x, target, outputs);
  }
}

function needDims(x: Mat, d: number, what: string): void {
  if (x.cols < d) throw new RangeError(`the ${what} target needs at least ${d} input dimensions, the inputs have ${x.cols}`);
}

/** y_j = sin(freq·γ + πj/k), γ = atan2(x₂, x₁): sin(freq·γ) for one output, sin and cos for two. */
function sinTarget(x: Mat, freq: number, k: number): Mat {
  needDims(x, 2, 'sin');
  const y = makeMat(x.rows, k);
  for (let i = 0; i < x.rows; i++) {
    const g = Math.atan2(x.data[i * x.cols + 1], x.data[i * x.cols]);
    for (let j = 0; j < k; j++) y.data[i * k + j] = Math.sin(freq * g + (Math.PI * j) / k);
  }
  return y;
}

/** y = x₁·x₂ (Jacot et al. 2018, arXiv:1806.07572, §6). */
function productTarget(x: Mat, k: number): Mat {
  needDims(x, 2, 'product');
  if (k !== 1) throw new RangeError(`the product target has one output, the model has ${k}`);
  const y = makeMat(x.rows, 1);
  for (let i = 0; i < x.rows; i++) y.data[i] = x.data[i * x.cols] * x.data[i * x.cols + 1];
  return y;
}

/** y_j = x · w_j, w_j ~ N(0, I/n0) from the stream `target/linear` of `seed`. */
function linearTarget(x: Mat, seed: number, k: number): Mat {
  const n0 = x.cols;
  const rng = makeRng(seed, 'target/linear');
  const w = new Float64Array(n0 * k).map(() => rng.normal() / Math.sqrt(n0));
  return matmul(x, w, k);
}

/**
 * A random ReLU network f(x) in NTK parameterization, z^{l+1} = (σ_w/√n_l) h^l W^l + σ_b b^l, all
 * entries N(0, 1), computed in float64. Its weights come from the streams `target/teacher/W{l}`
 * and `target/teacher/b{l}`, never the student's `W{l}`/`b{l}`, so a teacher is not the student's
 * own initialisation even with equal seeds and widths. Its outputs have variance ≈ K(x, x) = O(1).
 */
function teacherTarget(x: Mat, t: { width: number; depth: number; seed: number }, k: number): Mat {
  const sizes = [x.cols, ...Array<number>(t.depth).fill(t.width), k];
  let h = x;
  for (let l = 0; l < sizes.length - 1; l++) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const wr = makeRng(t.seed, `target/teacher/W${l}`);
    const br = makeRng(t.seed, `target/teacher/b${l}`);
    const a = TEACHER_W_STD / Math.sqrt(nIn);
    const w = new Float64Array(nIn * nOut).map(() => a * wr.normal());
    const z = matmul(h, w, nOut);
    for (let j = 0; j < nOut; j++) {
      const b = TEACHER_B_STD * br.normal();
      for (let i = 0; i < z.rows; i++) z.data[i * nOut + j] += b;
    }
    if (l < sizes.length - 2) for (let i = 0; i < z.data.length; i++) z.data[i] = Math.max(0, z.data[i]);
    h = z;
  }
  return h;
}

/** x (N × n) @ w (n × m, row-major). */
function matmul(x: Mat, w: Float64Array, m: number): Mat {
  const n = x.cols;
  const out = makeMat(x.rows, m);
  for (let i = 0; i < x.rows; i++) {
    for (let t = 0; t < n; t++) {
      const v = x.data[i * n + t];
      if (v === 0) continue;
      for (let j = 0; j < m; j++) out.data[i * m + j] += v * w[t * m + j];
    }
  }
  return out;
}
