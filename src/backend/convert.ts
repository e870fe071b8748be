/** Moving matrices between the float64 {@link Mat} exchange type and float32 TensorFlow.js tensors. */
import * as tf from '@tensorflow/tfjs-core';
import { fromFloat32, type Mat } from '../linalg/mat.js';

/** A float32 rows × cols tensor holding m (narrowed from float64). */
export function matToTensor(m: Mat): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols], 'float32');
}

/** Reads a 2-D tensor back and widens it to a float64 {@link Mat}; the tensor is left alone. */
export async function tensorToMat(t: tf.Tensor): Promise<Mat> {
  if (t.rank !== 2) throw new RangeError(`tensorToMat: expected a 2-D tensor, got shape [${t.shape.join(', ')}]`);
  const [rows, cols] = t.shape as [number, number];
  const data = (await t.data()) as Float32Array;
  return fromFloat32(rows, cols, data);
}
