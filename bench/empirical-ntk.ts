/**
 * Empirical NTK benchmark: N = 256 inputs in 8 dimensions, ReLU MLP of depth 3, widths 256 … 4096,
 * on the wasm backend. Ours (structured per-layer products, src/ntk/empirical.ts) against
 *  - our Jacobian contraction: autodiff Jacobians (src/ntk/jacobian.ts) in row blocks, contracted
 *    by float32 matrix products on the same backend, where the N × P Jacobian fits in memory;
 *  - JAX on CPU (bench/peers/empirical_ntk_jax.py), same machine, same run: the same structured
 *    algorithm jitted, and neural-tangents' empirical_ntk_fn implementations 1 (Jacobian
 *    contraction) and 3 (structured derivatives), jitted.
 * Times are medians of a few repetitions after a warm-up; float32 throughout.
 */
import * as tf from '@tensorflow/tfjs-core';
import { pathToFileURL } from 'node:url';
import { selectBackend } from '../src/backend/select.js';
import { gaussianInputs } from '../src/data/inputs.js';
import { relFrobenius, sliceRows, type Mat } from '../src/linalg/mat.js';
import { initParams, paramCount, type MlpParams } from '../src/model/params.js';
import type { MlpSpec } from '../src/model/spec.js';
import { reluNtkSpec } from '../test/helpers/relu-spec.js';
import { empiricalNtk } from '../src/ntk/empirical.js';
import { jacobian } from '../src/ntk/jacobian.js';
import { runPython } from '../test/helpers/python.js';

const N = 256;
const DIM = 8;
const DEPTH = 3;
const WIDTHS = [256, 512, 1024, 2048, 4096];
/** The Jacobian path keeps all N × P float32 entries; beyond this it is skipped. */
const JACOBIAN_BUDGET = 2.5e9;
const JACOBIAN_BLOCK = 16;
const CONTRACT_BLOCK = 64;

interface PeerRow {
  width: number;
  structured_s: number;
  nt1_s: number | null;
  nt3_s: number | null;
}

const specFor = (width: number): MlpSpec => reluNtkSpec(DIM, width, DEPTH);

async function median(reps: number, f: () => Promise<unknown>): Promise<number> {
  await f(); // warm-up (kernel setup, weight packing caches)
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    t.push((performance.now() - t0) / 1000);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

/**
 * Θ̂ = J Jᵀ with J from autodiff (src/ntk/jacobian.ts, row blocks of JACOBIAN_BLOCK samples), the
 * whole N × P Jacobian held in memory, contracted on the backend in float32 by products of
 * CONTRACT_BLOCK-row slabs: J_a (rows × P) · J_bᵀ (P × rows), J_bᵀ transposed in JavaScript
 * (the wasm backend has no fast transpose of a slab this size).
 */
async function jacobianContraction(p: MlpParams, x: Mat): Promise<Mat> {
  const P = paramCount(p.spec);
  const n = x.rows;
  const j = new Float32Array(n * P);
  for (let r = 0; r < n; r += JACOBIAN_BLOCK) {
    const block = await jacobian(p, sliceRows(x, r, Math.min(n, r + JACOBIAN_BLOCK)));
    j.set(block.data, r * P);
  }
  const out = new Float64Array(n * n);
  for (let b0 = 0; b0 < n; b0 += CONTRACT_BLOCK) {
    const rb = Math.min(CONTRACT_BLOCK, n - b0);
    const bt = new Float32Array(P * rb);
    for (let i = 0; i < rb; i++) for (let q = 0; q < P; q++) bt[q * rb + i] = j[(b0 + i) * P + q];
    const btT = tf.tensor2d(bt, [P, rb]);
    try {
      for (let a0 = 0; a0 <= b0; a0 += CONTRACT_BLOCK) {
        const ra = Math.min(CONTRACT_BLOCK, n - a0);
        const aT = tf.tensor2d(j.subarray(a0 * P, (a0 + ra) * P), [ra, P]);
        const g = tf.matMul(aT, btT);
        const v = await g.data();
        tf.dispose([aT, g]);
        for (let i = 0; i < ra; i++) {
          for (let k = 0; k < rb; k++) {
            out[(a0 + i) * n + b0 + k] = v[i * rb + k];
            out[(b0 + k) * n + a0 + i] = v[i * rb + k];
          }
        }
      }
    } finally {
      btT.dispose();
    }
  }
  return { rows: n, cols: n, data: out };
}

const fmt = (s: number | null | undefined): string =>
  s == null ? '—' : s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`;
const ratio = (a: number | null | undefined, b: number | null | undefined): string =>
  a == null || b == null ? '—' : `${(a / b).toFixed(2)}×`;

export async function run(): Promise<void> {
  const { device } = await selectBackend('wasm');
  const x = gaussianInputs(N, DIM, 0);
  const peer = runPython<{ device: string; threads: number; results: PeerRow[] }>('bench/peers/empirical_ntk_jax.py', {
    n: N,
    dim: DIM,
    depth: DEPTH,
    widths: WIDTHS,
    reps: 3,
    budget_bytes: JACOBIAN_BUDGET,
  });
  console.log(
    `empirical NTK, N = ${N}, inputs in R^${DIM}, ReLU, depth ${DEPTH}; ours on ${device}; ` +
      `JAX ${peer.device} with ${peer.threads} threads available; medians of 3 (2 at width ≥ 2048; our Jacobian and nt impl 1 at width ≥ 1024: one run)`,
  );
  console.log('');
  console.log(
    '| width | P | ours structured | our Jacobian | JAX structured | nt impl 1 | nt impl 3 | ours / JAX structured | ours / nt 3 | Jacobian / ours | ‖ours − Jacobian‖/‖Jacobian‖ |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const width of WIDTHS) {
    const spec = specFor(width);
    const p = initParams(spec, 0);
    const reps = width >= 2048 ? 2 : 3;
    const ours = await median(reps, () => empiricalNtk(p, x));
    const P = paramCount(spec);
    let jac: number | null = null;
    let agree = '—';
    if (N * P * 4 <= JACOBIAN_BUDGET) {
      const t0 = performance.now();
      const viaJ = await jacobianContraction(p, x); // one run: it is slow
      jac = (performance.now() - t0) / 1000;
      agree = relFrobenius(await empiricalNtk(p, x), viaJ).toExponential(1);
    }
    const j = peer.results.find((r) => r.width === width)!;
    console.log(
      `| ${width} | ${P.toLocaleString('en')} | ${fmt(ours)} | ${jac == null ? 'skipped (memory)' : fmt(jac)} | ` +
        `${fmt(j.structured_s)} | ${j.nt1_s == null ? 'skipped (memory)' : fmt(j.nt1_s)} | ${fmt(j.nt3_s)} | ` +
        `${ratio(ours, j.structured_s)} | ${ratio(ours, j.nt3_s)} | ${ratio(jac, ours)} | ${agree} |`,
    );
  }
  console.log(
    '\nratios > 1 in "ours / JAX" mean ours is slower; "Jacobian / ours" is the speed-up of the structured products.',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
