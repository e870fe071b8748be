import { makeMat, type Mat } from '../linalg/mat.js';
import { makeRng } from '../rng.js';

/**
 * Input distributions of the built-in data sets. Each is a pure function of (n, seed, stream):
 * the stream label keeps train, test and probe sets independent under one seed.
 */

/** n points (cos γ, sin γ) with γ uniform on [0, 2π). */
export function circleInputs(n: number, seed: number, stream = 'circle'): Mat {
  const rng = makeRng(seed, stream);
  const m = makeMat(n, 2);
  for (let i = 0; i < n; i++) {
    const g = 2 * Math.PI * rng.uniform();
    m.data[2 * i] = Math.cos(g);
    m.data[2 * i + 1] = Math.sin(g);
  }
  return m;
}

/** n points at the angles γ_i = 2π i / n: the evenly spaced probe set for kernel-versus-angle plots. */
export function circleGrid(n: number): Mat {
  const m = makeMat(n, 2);
  for (let i = 0; i < n; i++) {
    const g = (2 * Math.PI * i) / n;
    m.data[2 * i] = Math.cos(g);
    m.data[2 * i + 1] = Math.sin(g);
  }
  return m;
}

/** n points uniform on the unit sphere S^{dim−1} (normalised Gaussians). */
export function sphereInputs(n: number, dim: number, seed: number, stream = 'sphere'): Mat {
  const m = gaussianInputs(n, dim, seed, stream);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += m.data[i * dim + j] ** 2;
    const r = Math.sqrt(s);
    for (let j = 0; j < dim; j++) m.data[i * dim + j] /= r;
  }
  return m;
}

/** n points x ~ N(0, scale² I_dim), not normalised. */
export function gaussianInputs(n: number, dim: number, seed: number, stream = 'gaussian', scale = 1): Mat {
  const rng = makeRng(seed, stream);
  const m = makeMat(n, dim);
  for (let i = 0; i < m.data.length; i++) m.data[i] = scale * rng.normal();
  return m;
}
