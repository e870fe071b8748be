/**
 * Relative movement of the parameters during training, over all of them and per layer role. In the
 * lazy (NTK) regime each shrinks with the width n at the rate src/metrics/catalogue.ts states: the
 * input and output layers and the hidden units' biases as n^{−1/2}, the n × n hidden matrices as
 * n^{−1} (Lee et al. 2019, arXiv:1902.06720), so the total goes as n^{−1/2} at depth 1 and as
 * n^{−1} from depth 2, where the hidden matrices hold almost all of ‖θ₀‖.
 */
import type { MlpParams } from '../model/params.js';

/** The layer roles of the curves table's per-role columns. */
export const LAYER_ROLES = ['input', 'hidden', 'output'] as const;
export type LayerRole = (typeof LAYER_ROLES)[number];

/** The role of layer l (0 … depth) of a network of this depth: W_0 reads the input, W_depth writes the output. */
export function layerRole(l: number, depth: number): LayerRole {
  return l === depth ? 'output' : l === 0 ? 'input' : 'hidden';
}

export interface ParameterChanges {
  /** ‖θ_t − θ₀‖₂ / ‖θ₀‖₂ over all weights and biases. */
  total: number;
  /** Per layer l = 0 … depth: ‖W_l(t) − W_l(0)‖_F / ‖W_l(0)‖_F, and the same for b_l (null where ‖·(0)‖ = 0). */
  weights: (number | null)[];
  biases: (number | null)[];
  /** Per role, the hidden layers taken together (‖ΔW_1 … ΔW_{depth−1}‖_F / ‖W_1(0) … W_{depth−1}(0)‖_F); null where the role has no layer or zero norm. */
  weightRoles: Record<LayerRole, number | null>;
  biasRoles: Record<LayerRole, number | null>;
}

/** Σ (y − x)² and Σ x² of one tensor, in float64. */
function sums(x: Float32Array, y: Float32Array): [number, number] {
  if (x.length !== y.length) throw new RangeError('parameterChanges: the two parameter sets have different shapes');
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (y[i] - x[i]) ** 2;
    den += x[i] * x[i];
  }
  return [num, den];
}

const ratio = (num: number, den: number): number | null => (den > 0 ? Math.sqrt(num / den) : null);

/**
 * Every relative change of the parameters from theta0 to thetaT in one pass over them (it runs at
 * every logged step; nothing is flattened or copied).
 */
export function parameterChanges(theta0: MlpParams, thetaT: MlpParams): ParameterChanges {
  const a = theta0;
  const b = thetaT;
  if (a.weights.length !== b.weights.length || a.biases.length !== b.biases.length) {
    throw new RangeError('parameterChanges: the two parameter sets have different shapes');
  }
  const depth = a.weights.length - 1;
  const role = () => ({ input: [0, 0], hidden: [0, 0], output: [0, 0] }) as Record<LayerRole, [number, number]>;
  const wRole = role();
  const bRole = role();
  const weights: (number | null)[] = [];
  const biases: (number | null)[] = [];
  let num = 0;
  let den = 0;
  for (let l = 0; l <= depth; l++) {
    const r = layerRole(l, depth);
    for (const [x, y, perLayer, perRole] of [
      [a.weights[l], b.weights[l], weights, wRole],
      [a.biases[l], b.biases[l], biases, bRole],
    ] as const) {
      const [n, d] = sums(x, y);
      perLayer.push(ratio(n, d));
      perRole[r][0] += n;
      perRole[r][1] += d;
      num += n;
      den += d;
    }
  }
  const roles = (s: Record<LayerRole, [number, number]>) =>
    Object.fromEntries(LAYER_ROLES.map((r) => [r, ratio(s[r][0], s[r][1])])) as Record<LayerRole, number | null>;
  return { total: Math.sqrt(num / den), weights, biases, weightRoles: roles(wRole), biasRoles: roles(bRole) };
}

/** weight_change = ‖θ_t − θ₀‖₂ / ‖θ₀‖₂ over all weights and biases, accumulated in float64. */
export function weightChange(theta0: MlpParams, thetaT: MlpParams): number {
  return parameterChanges(theta0, thetaT).total;
}
