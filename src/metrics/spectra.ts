/** Kernel spectra (docs/design.md §5): the top eigenvalues and the condition number. */
import type { Mat } from '../linalg/mat.js';
import { eigh, type SymmetricEigen } from '../predict/eigh.js';

export interface KernelSpectrum {
  /** The largest eigenvalues, descending (at most `top`). */
  top: Float64Array;
  lambdaMax: number;
  lambdaMin: number;
  /** λ_max/λ_min; Infinity when λ_min ≤ 0 (singular up to rounding). */
  condition: number;
}

/** Spectrum summary of a symmetric kernel matrix; `eigen` may pass a decomposition at hand. */
export function kernelSpectrum(theta: Mat, top = 10, eigen?: SymmetricEigen): KernelSpectrum {
  const values = (eigen ?? eigh(theta)).values;
  if (values.length === 0) throw new RangeError('kernelSpectrum: the kernel is empty');
  const lambdaMax = values[0];
  const lambdaMin = values[values.length - 1];
  return {
    top: values.slice(0, Math.max(0, Math.min(top, values.length))),
    lambdaMax,
    lambdaMin,
    condition: lambdaMin > 0 ? lambdaMax / lambdaMin : Infinity,
  };
}
