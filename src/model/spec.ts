/** What an MLP is: the shared description used by training, empirical and analytic kernels. */

import type { ActivationName } from '../activations/index.js';

export { ACTIVATIONS, type ActivationName } from '../activations/index.js';

export const PARAMETERIZATIONS = ['ntk', 'standard'] as const;
/**
 * `ntk`: W, b ~ N(0, 1), z = (σ_w/√n_in) W h + σ_b b (Jacot et al. 2018, arXiv:1806.07572).
 * `standard`: W ~ N(0, σ_w²/n_in), b ~ N(0, σ_b²), z = W h + b.
 */
export type Parameterization = (typeof PARAMETERIZATIONS)[number];

export interface MlpSpec {
  /** n0, the input dimension. */
  inputDim: number;
  /** Units in every hidden layer. */
  width: number;
  /** Number of hidden layers (the network has depth + 1 dense layers). */
  depth: number;
  /** k, the output dimension. */
  outputs: number;
  activation: ActivationName;
  parameterization: Parameterization;
  /** σ_w (not squared). */
  wStd: number;
  /** σ_b (not squared). */
  bStd: number;
}

/**
 * The MLP a config describes (its `model` section, typed structurally so that model/ does not
 * depend on config/), for inputs of dimension `inputDim`.
 */
export function specOf(config: { model: Omit<MlpSpec, 'inputDim'> }, inputDim: number): MlpSpec {
  const m = config.model;
  return {
    inputDim,
    width: m.width,
    depth: m.depth,
    outputs: m.outputs,
    activation: m.activation,
    parameterization: m.parameterization,
    wStd: m.wStd,
    bStd: m.bStd,
  };
}

/** Layer sizes [n0, width, …, width, k] (depth + 2 entries). */
export function layerSizes(spec: MlpSpec): number[] {
  return [spec.inputDim, ...Array<number>(spec.depth).fill(spec.width), spec.outputs];
}
