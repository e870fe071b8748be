/**
 * The reference empirical NTK by automatic differentiation: the N × P Jacobian ∂f_i(x_n)/∂θ_p
 * from TensorFlow.js's autodiff, then Θ̂ = (1/k) Σ_i J_i J_iᵀ contracted in float64. It shares no
 * code with the structured products of ./empirical.ts beyond φ itself (no φ', no hand-written
 * backward pass), so the two check each other. Memory O(N P): small widths only (tests).
 */
import * as tf from '@tensorflow/tfjs-core';
import '../backend/gradients.js'; // autodiff rules
import { ensureBackend } from '../backend/select.js';
import { matToTensor } from '../backend/convert.js';
import type { Mat } from '../linalg/mat.js';
import { tfActivation } from '../model/activations.js';
import { checkInputs, layerCoefficients } from '../model/mlp.js';
import { paramCount, type MlpParams } from '../model/params.js';
import { layerSizes } from '../model/spec.js';

/** A dense float32 matrix, row-major. */
export interface Float32Mat {
  rows: number;
  cols: number;
  data: Float32Array;
}

/**
 * J[n, p] = ∂f_output(x_n)/∂θ_p, columns in the order of flattenParams (W⁰, b⁰, W¹, b¹, …).
 * Vectorised over samples: every sample gets its own copy of the parameters (a batched forward
 * pass), so one reverse-mode sweep of Σ_n f(x_n) yields all per-sample gradients.
 */
export async function jacobian(params: MlpParams, x: Mat, output = 0): Promise<Float32Mat> {
  await ensureBackend();
  const spec = params.spec;
  checkInputs(spec, x);
  if (!Number.isInteger(output) || output < 0 || output >= spec.outputs) {
    throw new RangeError(`jacobian: output must be in [0, ${spec.outputs}), got ${output}`);
  }
  const n = x.rows;
  const sizes = layerSizes(spec);
  const { weight, bias } = layerCoefficients(spec);
  const act = tfActivation(spec.activation);
  const xt = matToTensor(x);
  const copies: tf.Tensor[] = [];
  for (let l = 0; l <= spec.depth; l++) {
    const w = tf.tensor3d(params.weights[l], [1, sizes[l], sizes[l + 1]]);
    const b = tf.tensor3d(params.biases[l], [1, 1, sizes[l + 1]]);
    copies.push(tf.tile(w, [n, 1, 1]), tf.tile(b, [n, 1, 1]));
    tf.dispose([w, b]);
  }
  const f = (...theta: tf.Tensor[]): tf.Tensor => {
    let h = tf.reshape(xt, [n, 1, spec.inputDim]) as tf.Tensor3D;
    for (let l = 0; l <= spec.depth; l++) {
      const z = tf.add(tf.mul(tf.matMul(h, theta[2 * l] as tf.Tensor3D), weight[l]), tf.mul(theta[2 * l + 1], bias));
      h = (l < spec.depth ? act.phi(z) : z) as tf.Tensor3D;
    }
    return tf.sum(tf.slice(h, [0, 0, output], [n, 1, 1]));
  };
  try {
    const j = tf.tidy(() => {
      const grads = tf.grads(f)(copies);
      return tf.concat(
        grads.map((g) => tf.reshape(g, [n, -1])),
        1,
      );
    });
    const data = Float32Array.from((await j.data()) as Float32Array);
    j.dispose();
    return { rows: n, cols: paramCount(spec), data };
  } finally {
    tf.dispose([xt, ...copies]);
  }
}

/** Θ̂(x1, x2) = (1/k) Σ_i J_i(x1) J_i(x2)ᵀ, the contraction done in float64. */
export async function jacobianNtk(params: MlpParams, x1: Mat, x2?: Mat): Promise<Mat> {
  const k = params.spec.outputs;
  const n1 = x1.rows;
  const n2 = (x2 ?? x1).rows;
  const out = new Float64Array(n1 * n2);
  for (let i = 0; i < k; i++) {
    const j1 = await jacobian(params, x1, i);
    const j2 = x2 ? await jacobian(params, x2, i) : j1;
    const p = j1.cols;
    for (let a = 0; a < n1; a++) {
      for (let b = 0; b < n2; b++) {
        let s = 0;
        for (let q = 0; q < p; q++) s += j1.data[a * p + q] * j2.data[b * p + q];
        out[a * n2 + b] += s / k;
      }
    }
  }
  return { rows: n1, cols: n2, data: out };
}
