/**
 * The activations' φ and φ' as TensorFlow.js ops (each declared in its file under src/activations/),
 * bound here to the tfjs-core module.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activation, type ActivationName, type TfOps } from '../activations/index.js';

export interface TfActivation extends TfOps {
  name: ActivationName;
}

/** φ and φ' for a named activation. */
export function tfActivation(name: ActivationName): TfActivation {
  return { name, ...activation(name).tf(tf) };
}
