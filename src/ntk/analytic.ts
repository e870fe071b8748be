/**
 * Infinite-width kernels of the MLP of docs/design.md §2 in float64: the NNGP kernel K (Lee et al. 2018,
 * arXiv:1711.00165; Matthews et al. 2018, arXiv:1804.11271) and the neural tangent kernel Θ_∞
 * (Jacot et al. 2018, arXiv:1806.07572), by the layer recursion of docs/design.md §3:
 *
 *     Σ¹(x,x') = σ_w² x·x'/n0 + σ_b²,            Θ¹ = Σ¹
 *     Σˡ⁺¹ = σ_w² E[φ(u)φ(v)] + σ_b²,            Σ̇ˡ⁺¹ = σ_w² E[φ'(u)φ'(v)]
 *     Θˡ⁺¹ = Σˡ⁺¹ + Σ̇ˡ⁺¹ · Θˡ                    (u, v) ~ N(0, [[Σˡ(x,x), Σˡ(x,x')], [·, Σˡ(x',x')]])
 *     K = Σ^{depth+1},  Θ_∞ = Θ^{depth+1}
 *
 * The diagonal variances Σˡ(x,x), Σˡ(x',x') of both point sets are carried through the layers
 * beside the cross block. The Gaussian expectations come from src/ntk/dual-activations.ts (closed
 * forms for relu, erf and sin, variance-adaptive quadrature otherwise, docs/quadrature.md). The width of the spec is ignored
 * in the NTK parameterization.
 *
 * Standard parameterization: the values neural-tangents' `stax.Dense(parameterization='standard')`
 * kernel_fn gives, i.e. the expected NTK of a network with W ~ N(0, σ_w²/n_l), b ~ N(0, σ_b²) at
 * the spec's finite width (Sohl-Dickstein et al. 2020, arXiv:2001.07301): K is as above and
 *
 *     Θ¹ = x·x' + 1,   Θˡ⁺¹ = n_l E[φ(u)φ(v)] + Σ̇ˡ⁺¹ · Θˡ + 1   (n_l = width),
 *
 * which grows with the width (the standard-parameterization NTK has no finite infinite-width limit).
 */
import type { Mat } from '../linalg/mat.js';
import type { MlpSpec } from '../model/spec.js';
import { ACTIVATIONS } from '../model/spec.js';
import { dualActivation, type DualActivation, type DualOptions } from './dual-activations.js';

export interface AnalyticKernels {
  /** K(x1, x2) = Σ^{depth+1}, |x1| × |x2|. */
  nngp: Mat;
  /** Θ_∞(x1, x2) = Θ^{depth+1}, |x1| × |x2|. */
  ntk: Mat;
}

/** How the Gaussian expectations are computed (defaults: closed forms where they exist). */
export type AnalyticOptions = DualOptions;

function checkInputs(spec: MlpSpec, x1: Mat, x2: Mat | undefined): void {
  if (!ACTIVATIONS.includes(spec.activation)) {
    throw new RangeError(`activation not supported: ${String(spec.activation)}`);
  }
  if (spec.parameterization !== 'ntk' && spec.parameterization !== 'standard') {
    throw new RangeError(`Parameterization not supported: ${String(spec.parameterization)}`);
  }
  if (!Number.isInteger(spec.depth) || spec.depth < 0) {
    throw new RangeError(`depth must be a non-negative integer, got ${spec.depth}`);
  }
  if (!Number.isFinite(spec.wStd) || !Number.isFinite(spec.bStd)) {
    throw new RangeError(`wStd and bStd must be finite, got ${spec.wStd}, ${spec.bStd}`);
  }
  if (spec.parameterization === 'standard' && !(spec.width > 0)) {
    throw new RangeError(`standard parameterization needs a positive width, got ${spec.width}`);
  }
  for (const [label, x] of [
    ['x1', x1],
    ['x2', x2],
  ] as const) {
    if (x && x.cols !== spec.inputDim) {
      throw new RangeError(`${label} has ${x.cols} columns but the spec's inputDim is ${spec.inputDim}`);
    }
  }
}

/** Σ¹ on the cross block (rows of a against rows of b), written into out. */
function inputCovariance(a: Mat, b: Mat, w2: number, b2: number, out: Float64Array, upperOnly: boolean): void {
  const d = a.cols;
  const scale = w2 / d;
  const A = a.data;
  const B = b.data;
  for (let i = 0; i < a.rows; i++) {
    const ai = i * d;
    for (let j = upperOnly ? i : 0; j < b.rows; j++) {
      const bj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += A[ai + t] * B[bj + t];
      out[i * b.rows + j] = scale * s + b2;
    }
  }
}

/** Σ¹(x, x) for every row. */
function inputVariances(a: Mat, w2: number, b2: number): Float64Array {
  const d = a.cols;
  const v = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += a.data[i * d + t] ** 2;
    v[i] = (w2 / d) * s + b2;
  }
  return v;
}

/**
 * The analytic NNGP and NTK between the rows of x1 and of x2 (x2 defaults to x1; the symmetric
 * case computes one triangle and mirrors it).
 *
 * @example
 * const { nngp, ntk } = analyticKernels(spec, circleGrid(64));           // 64 × 64
 * const cross = analyticKernels(spec, xTest, xTrain).ntk;                // |test| × |train|
 */
export function analyticKernels(spec: MlpSpec, x1: Mat, x2?: Mat, options: AnalyticOptions = {}): AnalyticKernels {
  checkInputs(spec, x1, x2);
  const sym = x2 === undefined;
  const y = x2 ?? x1;
  const n1 = x1.rows;
  const n2 = y.rows;
  const w2 = spec.wStd * spec.wStd;
  const b2 = spec.bStd * spec.bStd;
  const standard = spec.parameterization === 'standard';
  const dual = dualActivation(spec.activation, options);

  const S = new Float64Array(n1 * n2); // Σˡ(x1_i, x2_j)
  inputCovariance(x1, y, w2, b2, S, sym);
  const T = new Float64Array(n1 * n2); // Θˡ(x1_i, x2_j)
  if (standard) {
    // n0 · (x·x'/n0) + 1: the weight and bias gradients of the first layer.
    inputCovariance(x1, y, x1.cols, 1, T, sym);
  } else {
    T.set(S);
  }
  let d1 = inputVariances(x1, w2, b2);
  let d2 = sym ? d1 : inputVariances(y, w2, b2);

  const out = new Float64Array(2);
  const width = spec.width;
  for (let layer = 1; layer <= spec.depth; layer++) {
    for (let i = 0; i < n1; i++) {
      const q11 = d1[i];
      const rowStart = i * n2;
      for (let j = sym ? i : 0; j < n2; j++) {
        const idx = rowStart + j;
        dual.expect(q11, d2[j], S[idx], out);
        const s = w2 * out[0] + b2;
        const sdot = w2 * out[1];
        T[idx] = standard ? width * out[0] + sdot * T[idx] + 1 : s + sdot * T[idx];
        S[idx] = s;
      }
    }
    d1 = nextVariances(d1, dual, w2, b2, out);
    d2 = sym ? d1 : nextVariances(d2, dual, w2, b2, out);
  }
  if (sym) {
    for (let i = 0; i < n1; i++) {
      for (let j = 0; j < i; j++) {
        S[i * n2 + j] = S[j * n2 + i];
        T[i * n2 + j] = T[j * n2 + i];
      }
    }
  }
  return { nngp: { rows: n1, cols: n2, data: S }, ntk: { rows: n1, cols: n2, data: T } };
}

/** Σˡ⁺¹(x, x) = σ_w² E[φ(u)²] + σ_b² with u ~ N(0, Σˡ(x, x)), by the same dual as the cross block. */
function nextVariances(d: Float64Array, dual: DualActivation, w2: number, b2: number, out: Float64Array): Float64Array {
  const next = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    dual.expect(d[i], d[i], d[i], out);
    next[i] = w2 * out[0] + b2;
  }
  return next;
}
