/**
 * Convergence of the empirical NTK at initialisation to the analytic (infinite-width) NTK
 * (Jacot et al. 2018, arXiv:1806.07572): on the unit circle (N = 64, ReLU, depth 3, σ_w² = 2,
 * σ_b = 0.1, 8 seeds) the mean relative Frobenius error falls as width^(−1/2), and matches the
 * reference values of docs/design.md §5, measured with an independent JAX implementation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../src/backend/select.js';
import { circleInputs } from '../../src/data/inputs.js';
import { relFrobenius } from '../../src/linalg/mat.js';
import { initParams } from '../../src/model/params.js';
import type { MlpSpec } from '../../src/model/spec.js';
import { analyticKernels } from '../../src/ntk/analytic.js';
import { empiricalNtk } from '../../src/ntk/empirical.js';

await selectBackend('wasm');

const WIDTHS = [64, 128, 256, 512, 1024, 2048, 4096];
const SEEDS = 8;
/** docs/design.md §5: mean kernel_rel_err at init. */
const REFERENCE = new Map([
  [64, 0.48],
  [512, 0.13],
  [4096, 0.046],
]);

const base: MlpSpec = {
  inputDim: 2,
  width: 0,
  depth: 3,
  outputs: 1,
  activation: 'relu',
  parameterization: 'ntk',
  wStd: Math.SQRT2,
  bStd: 0.1,
};

test('empirical NTK error at init falls as width^(−1/2) and matches the reference values', async () => {
  const means: number[] = [];
  const ses: number[] = [];
  const rows: string[] = [];
  for (const width of WIDTHS) {
    const errs: number[] = [];
    for (let seed = 0; seed < SEEDS; seed++) {
      const spec = { ...base, width };
      const x = circleInputs(64, seed);
      const emp = await empiricalNtk(initParams(spec, seed), x);
      errs.push(relFrobenius(emp, analyticKernels(spec, x).ntk));
    }
    const mean = errs.reduce((a, b) => a + b, 0) / SEEDS;
    const sd = Math.sqrt(errs.reduce((a, b) => a + (b - mean) ** 2, 0) / (SEEDS - 1));
    means.push(mean);
    ses.push(sd / Math.sqrt(SEEDS));
    rows.push(`${String(width).padStart(5)}  ${mean.toFixed(4)} ± ${(sd / Math.sqrt(SEEDS)).toFixed(4)}`);
  }
  const slope = fitSlope(WIDTHS.map(Math.log), means.map(Math.log));
  console.log(`width  mean kernel_rel_err ± s.e. (${SEEDS} seeds)`);
  for (const r of rows) console.log(r);
  console.log(`log-log slope ${slope.toFixed(3)}`);
  assert.ok(slope >= -0.6 && slope <= -0.4, `slope ${slope}`);
  for (const [width, ref] of REFERENCE) {
    const i = WIDTHS.indexOf(width);
    // The reference is itself a mean over 8 seeds: allow 3 standard errors of the difference.
    const tol = 3 * Math.SQRT2 * ses[i];
    assert.ok(Math.abs(means[i] - ref) <= tol, `width ${width}: ${means[i]} vs reference ${ref} (± ${tol})`);
  }
});

/** Least-squares slope of y on x. */
function fitSlope(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}
