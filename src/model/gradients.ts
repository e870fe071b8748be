/**
 * The explicit backward pass of the training loss L = 1/(2N) Σ_i ‖f(x_i) − y_i‖² (docs/design.md §2).
 * With g = (f − y)/N at the output and z^{l+1} = a_l h^l W^l + c b^l:
 *   ∂L/∂W^l = a_l (h^l)ᵀ g^{l+1},  ∂L/∂b^l = c Σ_rows g^{l+1},  g^l = a_l (g^{l+1} (W^l)ᵀ) ⊙ φ'(z^l).
 * Checked against TensorFlow.js autodiff and finite differences in test/unit/model/train.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { matMulAtB, matMulAWt } from '../backend/matmul.js';
import type { TfActivation } from './activations.js';
import { disposeTfParams, forwardTrace, layerCoefficients, type TfParams } from './mlp.js';
import type { MlpSpec } from './spec.js';

export interface LossGradients {
  /** L at the given parameters (scalar, float32); only computed when asked for. */
  loss?: tf.Scalar;
  /** scale · ∂L/∂W^l. */
  dW: tf.Tensor2D[];
  /** scale · ∂L/∂b^l. */
  db: tf.Tensor1D[];
}

/**
 * scale · ∇L for the batch (x, y), every intermediate freed. `scale` lets a gradient step fold −η
 * into the small N × n factors instead of an extra pass over the n × n weight gradients.
 */
export function lossGradients(
  spec: MlpSpec,
  tp: TfParams,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  act: TfActivation,
  opts: { scale?: number; withLoss?: boolean } = {},
): LossGradients {
  const scale = opts.scale ?? 1;
  const { weight, bias } = layerCoefficients(spec);
  const n = x.shape[0];
  return tf.tidy(() => {
    const trace = forwardTrace(spec, tp, x, act);
    const r = tf.sub(trace.out, y);
    const loss = opts.withLoss ? (tf.div(tf.sum(tf.square(r)), 2 * n) as tf.Scalar) : undefined;
    let g = tf.mul(r, 1 / n) as tf.Tensor2D; // ∂L/∂f
    const dW: tf.Tensor2D[] = new Array<tf.Tensor2D>(spec.depth + 1);
    const db: tf.Tensor1D[] = new Array<tf.Tensor1D>(spec.depth + 1);
    for (let l = spec.depth; l >= 0; l--) {
      dW[l] = matMulAtB(trace.inputs[l], tf.mul(g, scale * weight[l]));
      db[l] = tf.mul(tf.sum(g, 0), scale * bias) as tf.Tensor1D;
      if (l > 0) {
        const back = matMulAWt(g, tp.weights[l]);
        g = tf.mul(tf.mul(back, weight[l]), act.dphi(trace.pre[l]!)) as tf.Tensor2D;
      }
    }
    return loss ? { loss, dW, db } : { dW, db };
  });
}

/**
 * θ ← θ + g for gradients already scaled by −η (lossGradients' `scale`): returns the new
 * parameters and frees the old ones and the gradients, so memory stays flat across steps.
 */
export function applyScaledGradients(tp: TfParams, g: LossGradients): TfParams {
  const next = tf.tidy(() => ({
    weights: tp.weights.map((w, l) => tf.add(w, g.dW[l])),
    biases: tp.biases.map((b, l) => tf.add(b, g.db[l])),
  })) as unknown as TfParams;
  tf.dispose([...g.dW, ...g.db]);
  disposeTfParams(tp);
  return next;
}
