/**
 * The MLP of docs/design.md §2 in TensorFlow.js: parameters as tensors, the forward pass with its trace
 * (inputs and pre-activations of every layer, kept for the explicit backward passes of training
 * and of the structured empirical NTK), and {@link forward} on float64 matrices.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ensureBackend } from '../backend/select.js';
import { matToTensor, tensorToMat } from '../backend/convert.js';
import type { Mat } from '../linalg/mat.js';
import { tfActivation, type TfActivation } from './activations.js';
import type { MlpParams } from './params.js';
import { layerSizes, type MlpSpec } from './spec.js';

/**
 * The factors of a dense layer z = a_l · h W + c · b.
 * NTK parameterization (arXiv:1806.07572): a_l = σ_w/√n_l, c = σ_b. Standard: a_l = 1, c = 1.
 */
export interface LayerCoefficients {
  /** a_l for l = 0 … depth. */
  weight: number[];
  /** c, the same for every layer. */
  bias: number;
}

export function layerCoefficients(spec: MlpSpec): LayerCoefficients {
  const sizes = layerSizes(spec);
  if (spec.parameterization === 'ntk') {
    return { weight: sizes.slice(0, -1).map((n) => spec.wStd / Math.sqrt(n)), bias: spec.bStd };
  }
  return { weight: sizes.slice(0, -1).map(() => 1), bias: 1 };
}

/** Parameters as float32 tensors (W_l: n_l × n_{l+1}, b_l: n_{l+1}); the caller disposes them. */
export interface TfParams {
  weights: tf.Tensor2D[];
  biases: tf.Tensor1D[];
}

export function paramsToTensors(p: MlpParams): TfParams {
  const sizes = layerSizes(p.spec);
  return {
    weights: p.weights.map((w, l) => tf.tensor2d(w, [sizes[l], sizes[l + 1]], 'float32')),
    biases: p.biases.map((b) => tf.tensor1d(b, 'float32')),
  };
}

/** Reads tensor parameters back into typed arrays (copies). */
export async function tensorsToParams(spec: MlpSpec, tp: TfParams): Promise<MlpParams> {
  const weights = await Promise.all(tp.weights.map(async (w) => Float32Array.from((await w.data()) as Float32Array)));
  const biases = await Promise.all(tp.biases.map(async (b) => Float32Array.from((await b.data()) as Float32Array)));
  return { spec, weights, biases };
}

export function disposeTfParams(tp: TfParams): void {
  tf.dispose([...tp.weights, ...tp.biases]);
}

/** One dense layer z = a · h W + c · b. */
export function dense(h: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, a: number, c: number): tf.Tensor2D {
  return tf.tidy(() => {
    const hw = tf.matMul(h, w);
    return tf.add(a === 1 ? hw : tf.mul(hw, a), c === 1 ? b : tf.mul(b, c)) as tf.Tensor2D;
  });
}

/**
 * The forward pass with what the backward passes need.
 * `inputs[l]` is the input of dense layer l (x for l = 0, φ(z^l) for l ≥ 1), `pre[l]` the
 * pre-activation z^l with inputs[l] = φ(pre[l]) (l ≥ 1; `pre[0]` is undefined), `out` = f(x).
 * Every tensor in it is new (x is not included twice) except `inputs[0]` = x.
 */
export interface ForwardTrace {
  inputs: tf.Tensor2D[];
  pre: (tf.Tensor2D | undefined)[];
  out: tf.Tensor2D;
}

export function forwardTrace(spec: MlpSpec, tp: TfParams, x: tf.Tensor2D, act?: TfActivation): ForwardTrace {
  const phi = act ?? tfActivation(spec.activation);
  const { weight, bias } = layerCoefficients(spec);
  const inputs: tf.Tensor2D[] = [x];
  const pre: (tf.Tensor2D | undefined)[] = [undefined];
  let h = x;
  for (let l = 0; l < spec.depth; l++) {
    const z = dense(h, tp.weights[l], tp.biases[l], weight[l], bias);
    h = phi.phi(z) as tf.Tensor2D;
    pre.push(z);
    inputs.push(h);
  }
  const out = dense(h, tp.weights[spec.depth], tp.biases[spec.depth], weight[spec.depth], bias);
  return { inputs, pre, out };
}

/** f(x) as a tensor (N × k), intermediate tensors freed. */
export function applyMlp(spec: MlpSpec, tp: TfParams, x: tf.Tensor2D, act?: TfActivation): tf.Tensor2D {
  const phi = act ?? tfActivation(spec.activation);
  const { weight, bias } = layerCoefficients(spec);
  return tf.tidy(() => {
    let h = x;
    for (let l = 0; l < spec.depth; l++)
      h = phi.phi(dense(h, tp.weights[l], tp.biases[l], weight[l], bias)) as tf.Tensor2D;
    return dense(h, tp.weights[spec.depth], tp.biases[spec.depth], weight[spec.depth], bias);
  });
}

/** f(x) for the rows of x (N × n0) as an N × k float64 matrix; computed in float32. */
export async function forward(params: MlpParams, x: Mat): Promise<Mat> {
  await ensureBackend();
  checkInputs(params.spec, x);
  const tp = paramsToTensors(params);
  const xt = matToTensor(x);
  const out = applyMlp(params.spec, tp, xt);
  try {
    return await tensorToMat(out);
  } finally {
    tf.dispose([out, xt]);
    disposeTfParams(tp);
  }
}

/** Throws a RangeError naming both sizes when x's columns do not match the network's input. */
export function checkInputs(spec: MlpSpec, x: Mat, what = 'x'): void {
  if (x.cols !== spec.inputDim) {
    throw new RangeError(`${what} has ${x.cols} columns but the network's input dimension is ${spec.inputDim}`);
  }
}
