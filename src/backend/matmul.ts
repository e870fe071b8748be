/**
 * Matrix products with a transposed operand, arranged for speed on every backend.
 *
 * TensorFlow.js's wasm backend runs `matMul(a, b)` through XNNPACK's fully-connected operator
 * (b is packed once per tensor and cached), but any transpose flag sends it to a naive loop:
 * measured at width 4096 with 64 rows, `a bᵀ` by flag ran ~8× and `aᵀ b` ~40× slower than the
 * plain product, and an explicit transpose of a 4096 × 4096 matrix costs more than the product.
 * So on wasm the transposes are taken explicitly, and only of the thin (rows × width) operand;
 * other backends take the flags, which their kernels handle at full speed.
 */
import * as tf from '@tensorflow/tfjs-core';

const flagsAreSlow = (): boolean => tf.getBackend() === 'wasm';

/** a bᵀ for a: m × p and b: r × p, where b is the thin one (r small). */
export function matMulABt(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (!flagsAreSlow()) return tf.matMul(a, b, false, true);
  return tf.tidy(() => tf.matMul(a, tf.transpose(b)));
}

/** aᵀ b for a: r × m and b: r × p, where a is the thin one (r small). */
export function matMulAtB(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (!flagsAreSlow()) return tf.matMul(a, b, true, false);
  return tf.tidy(() => tf.matMul(tf.transpose(a), b));
}

/**
 * a Wᵀ for a thin a: r × q and a large W: p × q, computed on wasm as (W aᵀ)ᵀ so that W is the
 * streamed operand (never transposed, never packed) and only thin matrices are transposed.
 */
export function matMulAWt(a: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  if (!flagsAreSlow()) return tf.matMul(a, w, false, true);
  return tf.tidy(() => tf.transpose(tf.matMul(w, tf.transpose(a))) as tf.Tensor2D);
}
