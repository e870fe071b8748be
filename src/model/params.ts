/**
 * MLP parameters as plain typed arrays: drawn in JavaScript from the seeded generator of
 * src/rng.ts, so the same seed gives bit-identical initial weights on every backend.
 */
import { makeRng, normalsF32 } from '../rng.js';
import { layerSizes, type MlpSpec } from './spec.js';

/**
 * Weights and biases of an MLP (docs/design.md §2).
 * `weights[l]` is n_l × n_{l+1} row-major (the z = h @ W form, as neural-tangents' `stax.Dense`),
 * `biases[l]` has n_{l+1} entries; l = 0 … depth.
 */
export interface MlpParams {
  spec: MlpSpec;
  weights: Float32Array[];
  biases: Float32Array[];
}

/**
 * Initial parameters for `spec` from `seed`. NTK parameterization (Jacot et al. 2018,
 * arXiv:1806.07572): every entry N(0, 1), the σ_w/√n_l and σ_b factors live in the forward pass.
 * Standard: W ~ N(0, σ_w²/n_l), b ~ N(0, σ_b²). Layer l draws from the streams `W${l}` and `b${l}`,
 * so a layer's values do not depend on the sizes of the other layers.
 */
export function initParams(spec: MlpSpec, seed: number): MlpParams {
  checkSpec(spec);
  const sizes = layerSizes(spec);
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let l = 0; l <= spec.depth; l++) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const w = normalsF32(makeRng(seed, `W${l}`), nIn * nOut);
    const b = normalsF32(makeRng(seed, `b${l}`), nOut);
    if (spec.parameterization === 'standard') {
      scale(w, spec.wStd / Math.sqrt(nIn));
      scale(b, spec.bStd);
    }
    weights.push(w);
    biases.push(b);
  }
  return { spec, weights, biases };
}

/** Number of trainable parameters P = Σ_l (n_l + 1) n_{l+1}. */
export function paramCount(spec: MlpSpec): number {
  const sizes = layerSizes(spec);
  let p = 0;
  for (let l = 0; l + 1 < sizes.length; l++) p += (sizes[l] + 1) * sizes[l + 1];
  return p;
}

/**
 * θ as one float64 vector in the order W⁰, b⁰, W¹, b¹, … (each W row-major); the column order of
 * `jacobian` (src/ntk/jacobian.ts).
 */
export function flattenParams(p: MlpParams): Float64Array {
  const out = new Float64Array(paramCount(p.spec));
  let o = 0;
  for (let l = 0; l < p.weights.length; l++) {
    out.set(p.weights[l], o);
    o += p.weights[l].length;
    out.set(p.biases[l], o);
    o += p.biases[l].length;
  }
  return out;
}

/** A deep copy (the arrays are not shared). */
export function cloneParams(p: MlpParams): MlpParams {
  return { spec: p.spec, weights: p.weights.map((w) => w.slice()), biases: p.biases.map((b) => b.slice()) };
}

function scale(a: Float32Array, s: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= s;
}

function checkSpec(spec: MlpSpec): void {
  const ints: [string, number, number][] = [
    ['inputDim', spec.inputDim, 1],
    ['width', spec.width, 1],
    ['depth', spec.depth, 0],
    ['outputs', spec.outputs, 1],
  ];
  for (const [name, v, min] of ints) {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`MlpSpec.${name} must be an integer ≥ ${min}, got ${v}`);
  }
  if (!(spec.wStd >= 0) || !(spec.bStd >= 0)) {
    throw new RangeError(`MlpSpec.wStd and bStd must be ≥ 0, got ${spec.wStd} and ${spec.bStd}`);
  }
}
