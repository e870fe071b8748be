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

/** Loads a package by name; a dynamic import by default, replaced in tests (neither installs here). */
export type PackageLoader = (name: string) => Promise<unknown>;

const importPackage: PackageLoader = (name) => import(name);

/**
 * Starts the `tensorflow` backend from the first of tfjs-node-gpu, tfjs-node that loads and
 * starts; BackendError naming both packages, the CUDA requirements and each failure otherwise.
 */
export async function initTensorflow(load: PackageLoader = importPackage): Promise<SelectedBackend> {
  const reasons: string[] = [];
  for (const pkg of PACKAGES) {
    try {
      await load(pkg.name); // registers the 'tensorflow' backend on import
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
      'Install one with `npm install @tensorflow/tfjs-node-gpu` (needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1, as libtensorflow 2.9 does; ' +
      'the install downloads libtensorflow) or `npm install @tensorflow/tfjs-node` (CPU). Details: ' +
      reasons.join('; '),
    'neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed',
  );
}
