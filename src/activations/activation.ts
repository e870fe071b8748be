/**
 * What an activation φ declares (docs/design.md §2–§3), each in its own file of this folder:
 *
 * - its TensorFlow.js ops φ and φ', for training's and the structured empirical NTK's hand-written
 *   backward passes (the autodiff reference, src/ntk/jacobian.ts, differentiates φ itself, so the
 *   two check each other);
 * - φ and φ' in float64, for the analytic kernels' quadrature (src/ntk/dual-activations.ts),
 *   with the traits that quadrature adapts to;
 * - where one exists, the closed-form dual activation (the NNGP and NTK maps); without one, the
 *   quadrature is used.
 *
 * The ops are built from the tfjs-core module handed in (src/model/activations.ts does that), so
 * that naming an activation (the config schema, `validate`) never loads TensorFlow.js.
 */
import type * as Tf from '@tensorflow/tfjs-core';

/** φ and φ' as elementwise TensorFlow.js ops. Every op used must have a kernel on wasm, cpu and webgpu. */
export interface TfOps {
  /** φ(z), elementwise. */
  phi(z: Tf.Tensor): Tf.Tensor;
  /** φ'(z), elementwise. */
  dphi(z: Tf.Tensor): Tf.Tensor;
}

/**
 * Float64 φ and φ' as plain scalar functions, with the same conventions as the ops (e.g.
 * relu'(0) = 0 and the exact, not tanh-approximated, GELU), and what the quadrature needs to know.
 */
export interface ScalarFns {
  /** φ(x). */
  phi(x: number): number;
  /** φ'(x). */
  dphi(x: number): number;
  /**
   * φ(x) and φ'(x) at once into out[0], out[1]: the quadrature's inner loop, where sharing the
   * expensive part (tanh, exp, erf) between the two halves the cost.
   */
  both(x: number, out: Float64Array): void;
  /**
   * The reflection identities φ(−x) = p·φ(x) − l·x and φ'(−x) = k + m·φ'(x) (ODD or
   * HALF_X_PLUS_EVEN below). The quadrature uses them to get the mirrored half of its grid for free.
   */
  readonly reflect: Reflection;
  /**
   * The width, in the activation's argument, of the region where φ and φ' turn: the half-width of
   * the strip about the real axis where they are analytic (tanh: poles at ±iπ/2; softplus and its
   * sigmoid: ±iπ), or the scale of the step of the entire ones (erf, gelu: 1) and the period scale
   * of sin. The quadrature (src/ntk/gaussian-rules.ts) makes its finest panel this wide.
   */
  readonly feature: number;
  /** φ turns everywhere (sin), not only near 0: every panel must be `feature` narrow. */
  readonly periodic: boolean;
  /** φ' jumps (relu at 0): Gauss–Hermite never converges fast, so the quadrature always uses panels. */
  readonly kink: boolean;
}

export interface Reflection {
  readonly p: number;
  readonly l: number;
  readonly k: number;
  readonly m: number;
}

/** Odd φ: φ(−x) = −φ(x), φ'(−x) = φ'(x). */
export const ODD: Reflection = { p: -1, l: 0, k: 0, m: 1 };
/** φ = x/2 + an even function (relu, gelu, softplus): φ(−x) = φ(x) − x, φ'(−x) = 1 − φ'(x). */
export const HALF_X_PLUS_EVEN: Reflection = { p: 1, l: 1, k: 1, m: -1 };

/**
 * A closed-form dual activation: writes out[0] = E[φ(u)φ(v)] and out[1] = E[φ'(u)φ'(v)] for (u, v)
 * centred Gaussian with Var u = q11, Var v = q22, Cov(u, v) = q12. A zero variance means that
 * variable is the constant 0.
 */
export type DualExpect = (q11: number, q22: number, q12: number, out: Float64Array) => void;

export interface Activation<N extends string = string> {
  readonly name: N;
  /** φ and φ' as ops of the tfjs-core module `tf`. */
  tf(tf: typeof Tf): TfOps;
  readonly scalar: ScalarFns;
  /** The closed-form dual activation, where one exists (otherwise quadrature is used). */
  readonly dual?: DualExpect;
}

/** Declares an activation, keeping its name's literal type (the list of names derives from it). */
export function defineActivation<const N extends string>(a: Activation<N>): Activation<N> {
  return a;
}

/** c = q12/√(q11 q22) clipped into [−1, 1]; 0 when a variance is 0 (then u or v is constant). */
export function correlation(q11: number, q22: number, q12: number): number {
  const den = q11 * q22;
  if (!(den > 0)) return 0;
  const c = q12 / Math.sqrt(den);
  return c > 1 ? 1 : c < -1 ? -1 : c;
}

/** 1/(1 + e⁻ˣ), evaluated on the side where the exponential cannot overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
