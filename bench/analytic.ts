/**
 * Analytic NTK + NNGP of a relu MLP (depth 5, σ_w² = 2, σ_b = 0.1) for N = 1000 points on the
 * circle: src/ntk/analytic.ts against neural-tangents' jitted stax kernel_fn on this machine's CPU
 * (float64, after a warm-up call, median of several runs), measured in the same run on the same
 * inputs, with a check that both computed the same kernel.
 */
import { pathToFileURL } from 'node:url';
import { analyticKernels } from '../src/ntk/analytic.js';
import { circleInputs } from '../src/data/inputs.js';
import { frobenius } from '../src/linalg/mat.js';
import { reluNtkSpec } from '../test/helpers/relu-spec.js';
import { runPython } from '../test/helpers/python.js';

const N = 1000;
const DEPTH = 5;
const REPEATS = 7;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export async function run(): Promise<void> {
  // Width does not enter the analytic kernels.
  const spec = reluNtkSpec(2, 1, DEPTH);
  const x = circleInputs(N, 0);

  let k = analyticKernels(spec, x); // warm-up (JIT)
  const ours: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    k = analyticKernels(spec, x);
    ours.push((performance.now() - t0) / 1000);
  }

  const rows = Array.from({ length: N }, (_, i) => [x.data[2 * i], x.data[2 * i + 1]]);
  const peer = runPython<{
    times_s: number[];
    compile_s: number;
    ntk_fro: number;
    nngp_fro: number;
    ntk_00: number;
    versions: Record<string, string>;
  }>('bench/peers/analytic_nt.py', { x: rows, depth: DEPTH, w_std: spec.wStd, b_std: spec.bStd, repeats: REPEATS });

  const agree = Math.max(
    Math.abs(frobenius(k.ntk) - peer.ntk_fro) / peer.ntk_fro,
    Math.abs(frobenius(k.nngp) - peer.nngp_fro) / peer.nngp_fro,
  );
  const oursMed = median(ours);
  const peerMed = median(peer.times_s);
  const ms = (s: number): string => (s * 1000).toFixed(1).padStart(9);
  console.log(
    `analytic NTK + NNGP, relu, N = ${N}, depth ${DEPTH}, float64, CPU; median of ${REPEATS} runs after warm-up`,
  );
  const names = [
    `ntk-sweep analyticKernels (node ${process.version})`,
    `neural-tangents ${peer.versions.neural_tangents} kernel_fn (jit, jax ${peer.versions.jax})`,
  ];
  const w = Math.max(...names.map((n) => n.length));
  console.log(`| ${'implementation'.padEnd(w)} | median ms |    min ms |`);
  console.log(`|${'-'.repeat(w + 2)}|-----------|-----------|`);
  console.log(`| ${names[0].padEnd(w)} | ${ms(oursMed)} | ${ms(Math.min(...ours))} |`);
  console.log(`| ${names[1].padEnd(w)} | ${ms(peerMed)} | ${ms(Math.min(...peer.times_s))} |`);
  console.log(`neural-tangents compile (first call): ${(peer.compile_s * 1000).toFixed(0)} ms`);
  console.log(`ratio ours / neural-tangents (median): ${(oursMed / peerMed).toFixed(2)}  (< 1 means faster)`);
  console.log(`agreement of ‖Θ‖_F, ‖K‖_F: ${agree.toExponential(1)}; Θ(x0, x0) = ${k.ntk.data[0]} vs ${peer.ntk_00}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
