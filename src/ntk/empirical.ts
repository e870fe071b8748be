/**
 * The empirical neural tangent kernel Θ̂(x, x') = Σ_p ∂f(x)/∂θ_p ∂f(x')/∂θ_p of a finite MLP
 * (Jacot et al. 2018, arXiv:1806.07572), computed by per-layer structured products (docs/design.md §3)
 * without ever forming the N × P Jacobian. For z^{l+1} = a_l h^l W^l + c b^l the Jacobian of f_i
 * with respect to W^l at x is a_l h^l(x) ⊗ δ^l_i(x), where δ^l_i = ∂f_i/∂z^{l+1}; hence
 *
 *   Θ̂_ii(x, x') = Σ_l [ a_l² (h^l · h^l') (δ^l_i · δ^l_i') + c² (δ^l_i · δ^l_i') ]
 *
 * with a_l² = σ_w²/n_l, c² = σ_b² (NTK parameterization) or a_l = c = 1 (standard). For k outputs
 * the kernel returned is the output average (1/k) Σ_i Θ̂_ii, which converges to Θ_∞ (the
 * off-diagonal output blocks converge to 0), as neural-tangents' `empirical_ntk_fn` with
 * `trace_axes=(-1,)`. Cost O(depth · N · n · (N + n)) per call instead of O(N² P).
 * Memory stays bounded: rows are processed in blocks whose per-layer features fit a budget.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ensureBackend } from '../backend/select.js';
import { matToTensor } from '../backend/convert.js';
import { matMulABt, matMulAWt } from '../backend/matmul.js';
import { sliceRows, type Mat } from '../linalg/mat.js';
import { tfActivation, type TfActivation } from '../model/activations.js';
import {
  checkInputs,
  disposeTfParams,
  forwardTrace,
  layerCoefficients,
  paramsToTensors,
  type TfParams,
} from '../model/mlp.js';
import type { MlpParams } from '../model/params.js';
import { layerSizes, type MlpSpec } from '../model/spec.js';

export interface EmpiricalNtkOptions {
  /**
   * Rows per block of x1 and of x2. Default: as many as keep one block's per-layer features
   * (inputs and sensitivities of every layer, plus the forward pass) under {@link DEFAULT_BLOCK_BYTES}.
   */
  blockRows?: number;
}

/** Memory budget for one block's features (bytes of float32). */
export const DEFAULT_BLOCK_BYTES = 256 * 2 ** 20;

/**
 * Θ̂(x1, x2) as an |x1| × |x2| float64 matrix (float32 compute); x2 defaults to x1 (then the
 * result is exactly symmetric). Output-averaged for k > 1.
 *
 * @example
 * const theta0 = await empiricalNtk(initParams(spec, seed), data.xTrain);
 */
export async function empiricalNtk(params: MlpParams, x1: Mat, x2?: Mat, opts: EmpiricalNtkOptions = {}): Promise<Mat> {
  await ensureBackend();
  const tp = paramsToTensors(params);
  try {
    return await empiricalNtkOfTensors(params.spec, tp, x1, x2, opts);
  } finally {
    disposeTfParams(tp);
  }
}

/**
 * {@link empiricalNtk} of parameters already on the backend (left alone), so that a caller holding
 * them there (training on a GPU, a benchmark) does not move them to the host and back.
 */
export async function empiricalNtkOfTensors(
  spec: MlpSpec,
  tp: TfParams,
  x1: Mat,
  x2?: Mat,
  opts: EmpiricalNtkOptions = {},
): Promise<Mat> {
  await ensureBackend();
  checkInputs(spec, x1, 'x1');
  if (x2) checkInputs(spec, x2, 'x2');
  const sym = x2 === undefined;
  const xb = x2 ?? x1;
  const n1 = x1.rows;
  const n2 = xb.rows;
  const out = new Float64Array(n1 * n2);
  if (n1 === 0 || n2 === 0) return { rows: n1, cols: n2, data: out };

  const block = Math.max(1, Math.floor(opts.blockRows ?? defaultBlockRows(spec)));
  const rowBlocks = ranges(n1, block);
  const colBlocks = ranges(n2, block);
  const act = tfActivation(spec.activation);
  const featuresOf = (m: Mat, r0: number, r1: number): BlockFeatures =>
    blockFeatures(spec, tp, matToTensor(sliceRows(m, r0, r1)), act);
  // With one column block its features serve every row block (and, when x2 = x1, are the rows too).
  const cached = colBlocks.length === 1 ? featuresOf(xb, 0, n2) : undefined;

  try {
    for (let i = 0; i < rowBlocks.length; i++) {
      const [r0, r1] = rowBlocks[i];
      const rows = sym && cached ? cached : featuresOf(x1, r0, r1);
      try {
        for (let j = sym ? i : 0; j < colBlocks.length; j++) {
          const [c0, c1] = colBlocks[j];
          const cols = cached ?? (sym && i === j ? rows : featuresOf(xb, c0, c1));
          try {
            const g = gram(spec, rows, cols);
            const v = (await g.data()) as Float32Array;
            g.dispose();
            const w = c1 - c0;
            for (let r = r0; r < r1; r++) {
              for (let c = c0; c < c1; c++) out[r * n2 + c] = v[(r - r0) * w + (c - c0)];
            }
            if (sym && j > i) {
              for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * n2 + r] = out[r * n2 + c];
            }
          } finally {
            if (cols !== cached && cols !== rows) disposeFeatures(cols);
          }
        }
      } finally {
        if (rows !== cached) disposeFeatures(rows);
      }
    }
  } finally {
    if (cached) disposeFeatures(cached);
  }
  // The float32 products H Hᵀ are not bit-symmetric; the kernel is, by definition.
  if (sym) {
    for (let r = 0; r < n1; r++) {
      for (let c = r + 1; c < n1; c++) {
        const m = 0.5 * (out[r * n1 + c] + out[c * n1 + r]);
        out[r * n1 + c] = m;
        out[c * n1 + r] = m;
      }
    }
  }
  return { rows: n1, cols: n2, data: out };
}

/**
 * Per-sample quantities of one block of B inputs: `h[l]` = h^l (B × n_l, l = 0 … depth; h[0] = x)
 * and `d[l]` = [δ^l_1 … δ^l_k] (B × k·n_{l+1}, l = 0 … depth − 1), the sensitivities
 * δ^l_i = ∂f_i/∂z^{l+1} of all k outputs side by side, so that one product gives Σ_i Δ_i Δ_iᵀ.
 * For the output layer δ^depth_i = e_i, so its Gram is all ones and needs no tensor.
 */
interface BlockFeatures {
  h: tf.Tensor2D[];
  d: tf.Tensor2D[];
}

/** Forward pass, then the output sensitivities backpropagated for every output at once. */
export function blockFeatures(spec: MlpSpec, tp: TfParams, x: tf.Tensor2D, act: TfActivation): BlockFeatures {
  const { weight } = layerCoefficients(spec);
  const k = spec.outputs;
  const b = x.shape[0];
  return tf.tidy(() => {
    const trace = forwardTrace(spec, tp, x, act);
    const d: tf.Tensor2D[] = new Array<tf.Tensor2D>(spec.depth);
    if (spec.depth > 0) {
      const L = spec.depth;
      const n = tp.weights[L].shape[0];
      // δ^{L−1}_i = a_L W^L[:, i] ⊙ φ'(z^L): rows of a_L (W^L)ᵀ broadcast against φ'(z^L); [k, B, n].
      const wt = tf.reshape(tf.mul(tf.transpose(tp.weights[L]), weight[L]), [k, 1, n]);
      let delta = tf.mul(wt, tf.expandDims(act.dphi(trace.pre[L]!), 0)) as tf.Tensor3D;
      d[L - 1] = sideBySide(delta);
      for (let l = L - 1; l >= 1; l--) {
        // δ^{l−1} = a_l (δ^l (W^l)ᵀ) ⊙ φ'(z^l), all k outputs in one (kB × n_{l+1}) · (n_{l+1} × n_l) product.
        const nOut = tp.weights[l].shape[1];
        const nIn = tp.weights[l].shape[0];
        const back = matMulAWt(tf.reshape(delta, [k * b, nOut]) as tf.Tensor2D, tp.weights[l]);
        delta = tf.mul(
          tf.reshape(tf.mul(back, weight[l]), [k, b, nIn]),
          tf.expandDims(act.dphi(trace.pre[l]!), 0),
        ) as tf.Tensor3D;
        d[l - 1] = sideBySide(delta);
      }
    }
    return { h: trace.inputs, d };
  }) as unknown as BlockFeatures;
}

/** [k, B, n] → B × k·n with row b = [δ_1(x_b) … δ_k(x_b)]. */
function sideBySide(delta: tf.Tensor3D): tf.Tensor2D {
  const [k, b, n] = delta.shape;
  return (k === 1 ? tf.reshape(delta, [b, n]) : tf.reshape(tf.transpose(delta, [1, 0, 2]), [b, k * n])) as tf.Tensor2D;
}

function disposeFeatures(f: BlockFeatures): void {
  tf.dispose([...f.h, ...f.d]); // h[0] is the block's own input tensor, made by featuresOf
}

/** Σ_l (a_l² H_l H_l'ᵀ + c²) ⊙ G_l with G_l = (1/k) Σ_i Δ_{l,i} Δ'_{l,i}ᵀ and G_depth = 1. */
function gram(spec: MlpSpec, f1: BlockFeatures, f2: BlockFeatures): tf.Tensor2D {
  const { weight, bias } = layerCoefficients(spec);
  const k = spec.outputs;
  const c2 = bias * bias;
  return tf.tidy(() => {
    const L = spec.depth;
    let theta = tf.add(tf.mul(matMulABt(f1.h[L], f2.h[L]), weight[L] ** 2), c2);
    for (let l = 0; l < L; l++) {
      const hh = matMulABt(f1.h[l], f2.h[l]);
      const dd = k === 1 ? matMulABt(f1.d[l], f2.d[l]) : tf.div(matMulABt(f1.d[l], f2.d[l]), k);
      theta = tf.add(theta, tf.mul(tf.add(tf.mul(hh, weight[l] ** 2), c2), dd));
    }
    return theta as tf.Tensor2D;
  });
}

/** Rows per block so that one block's features stay under the budget. */
export function defaultBlockRows(spec: MlpSpec, budgetBytes = DEFAULT_BLOCK_BYTES): number {
  const sizes = layerSizes(spec);
  let perRow = 0;
  for (let l = 0; l <= spec.depth; l++) perRow += sizes[l]; // h^l
  for (let l = 1; l <= spec.depth; l++) perRow += (spec.outputs + 2) * sizes[l]; // δ, z and a temporary
  return Math.max(1, Math.floor(budgetBytes / (4 * perRow)));
}

function ranges(n: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += size) out.push([s, Math.min(n, s + size)]);
  return out;
}
