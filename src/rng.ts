import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

/**
 * Seeded random numbers, computed in JavaScript so that the same seed gives the same values on
 * every TensorFlow.js backend (tf.random* differ between backends).
 */
export interface Rng {
  /** Uniform in [0, 1), 53 random bits. */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
}

/** Independent streams for independent uses, derived from one seed and a label. */
export function makeRng(seed: number, stream = ''): Rng {
  let h = 2166136261 >>> 0; // FNV-1a of the stream label, so streams never share a state
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 16777619) >>> 0;
  const g = xoroshiro128plus((seed ^ h) >>> 0);
  let spare: number | undefined;
  const uniform = (): number => uniformFloat64(g);
  return {
    uniform,
    normal(): number {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      // Marsaglia's polar method: two normals per accepted pair.
      let u: number, v: number, s: number;
      do {
        u = 2 * uniform() - 1;
        v = 2 * uniform() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const m = Math.sqrt((-2 * Math.log(s)) / s);
      spare = v * m;
      return u * m;
    },
  };
}

/** n standard normals as float32 (weights) from the given stream. */
export function normalsF32(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}
