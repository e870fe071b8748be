/** The network most kernel and training tests and benchmarks use: relu, NTK parameterization, σ_w = √2, σ_b = 0.1, one output. */
import type { MlpSpec } from '../../src/model/spec.js';

export function reluNtkSpec(inputDim: number, width: number, depth: number): MlpSpec {
  return {
    inputDim,
    width,
    depth,
    outputs: 1,
    activation: 'relu',
    parameterization: 'ntk',
    wStd: Math.SQRT2,
    bStd: 0.1,
  };
}
