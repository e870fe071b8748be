/**
 * The `tensorflow` backend: TensorFlow.js's libtensorflow bindings, `@tensorflow/tfjs-node-gpu`
 * (CUDA) or else `@tensorflow/tfjs-node` (CPU), when one of them is installed. They are optional:
 * their install step downloads libtensorflow, and the GPU one needs CUDA and cuDNN.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors.js';
import type { SelectedBackend } from './select.js';

/** Tried in this order; names held in variables so TypeScript does not require them installed. */
const PACKAGES = [
  { name: '@tensorflow/tfjs-node-gpu', device: 'gpu (libtensorflow, CUDA)' },
  { name: '@tensorflow/tfjs-node', device: 'cpu (libtensorflow)' },
] as const;

export async function initTensorflow(): Promise<SelectedBackend> {
  const reasons: string[] = [];
  for (const pkg of PACKAGES) {
    const spec: string = pkg.name;
    try {
      await import(spec); // registers the 'tensorflow' backend on import
    } catch (e) {
      reasons.push(`${pkg.name}: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    let ok = false;
    try {
      ok = await tf.setBackend('tensorflow');
    } catch (e) {
      reasons.push(`${pkg.name} loaded but failed to start: ${(e as Error).message}`);
      continue;
    }
    if (ok) return { backend: 'tensorflow', device: pkg.device };
    reasons.push(`${pkg.name} loaded but the 'tensorflow' backend did not start`);
  }
  throw new BackendError(
    'tensorflow backend unavailable: neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node could be loaded. ' +
      'Install one with `npm install @tensorflow/tfjs-node-gpu` (needs an NVIDIA GPU with CUDA 11.x and cuDNN 8; ' +
      'the install downloads libtensorflow) or `npm install @tensorflow/tfjs-node` (CPU). Details: ' +
      reasons.join('; '),
  );
}
