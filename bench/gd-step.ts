/**
 * One full-batch gradient-descent step (forward, explicit backward, update), N = 512 inputs in
 * 8 dimensions, ReLU MLP of depth 2, widths 1024 and 4096, on the wasm backend, against the same
 * step jitted in JAX on CPU (bench/peers/gd_step_jax.py), same machine, same run. Also prints where
 * our step spends its time (TensorFlow.js kernel profile of one step), to name the bottleneck.
 */
import * as tf from '@tensorflow/tfjs-core';
import { pathToFileURL } from 'node:url';
import { selectBackend } from '../src/backend/select.js';
import { matToTensor } from '../src/backend/convert.js';
import { gaussianInputs } from '../src/data/inputs.js';
import { tfActivation } from '../src/model/activations.js';
import { applyScaledGradients, lossGradients } from '../src/model/gradients.js';
import { disposeTfParams, paramsToTensors, type TfParams } from '../src/model/mlp.js';
import { initParams } from '../src/model/params.js';
import type { MlpSpec } from '../src/model/spec.js';
import { reluNtkSpec } from '../test/helpers/relu-spec.js';
import { runPython } from '../test/helpers/python.js';

const N = 512;
const DIM = 8;
const DEPTH = 2;
const WIDTHS = [1024, 4096];
const LR = 0.1;

const specFor = (width: number): MlpSpec => reluNtkSpec(DIM, width, DEPTH);

/** The step of src/model/train.ts: gradients scaled by −η, added, old parameters freed. */
function step(spec: MlpSpec, tp: TfParams, x: tf.Tensor2D, y: tf.Tensor2D): TfParams {
  const g = lossGradients(spec, tp, x, y, tfActivation(spec.activation), { scale: -LR });
  return applyScaledGradients(tp, g);
}

/** Multiply–adds ×2 of one step: forward h·W, backward g·Wᵀ (not for the first layer), weight gradients hᵀ·g. */
function stepFlops(spec: MlpSpec): number {
  const sizes = [spec.inputDim, ...Array<number>(spec.depth).fill(spec.width), spec.outputs];
  let f = 0;
  for (let l = 0; l + 1 < sizes.length; l++) f += 2 * N * sizes[l] * sizes[l + 1] * (l === 0 ? 2 : 3);
  return f;
}

const fmt = (s: number): string => (s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`);

export async function run(): Promise<void> {
  const { device } = await selectBackend('wasm');
  const peer = runPython<{ device: string; threads: number; results: { width: number; step_s: number }[] }>(
    'bench/peers/gd_step_jax.py',
    { n: N, dim: DIM, depth: DEPTH, widths: WIDTHS, reps: 5, lr: LR },
  );
  const x = matToTensor(gaussianInputs(N, DIM, 0));
  const y = matToTensor(gaussianInputs(N, 1, 1));
  console.log(
    `one GD step, N = ${N}, inputs in R^${DIM}, ReLU, depth ${DEPTH}; ours on ${device}; ` +
      `JAX ${peer.device} (jit) with ${peer.threads} threads available; medians`,
  );
  console.log('');
  console.log('| width | ours | JAX | ours / JAX | ours GFLOP/s | JAX GFLOP/s |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  const profiles: string[] = [];
  let matmulShare = 1;
  for (const width of WIDTHS) {
    const spec = specFor(width);
    let tp = paramsToTensors(initParams(spec, 0));
    tp = step(spec, tp, x, y); // warm-up
    await tp.weights[0].data();
    const reps = width >= 4096 ? 3 : 5;
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      tp = step(spec, tp, x, y);
      await tp.biases[0].data(); // wait for the whole step (wasm runs synchronously anyway)
      times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    const ours = times[Math.floor(reps / 2)];
    const jax = peer.results.find((r) => r.width === width)!.step_s;
    const gf = stepFlops(spec) / 1e9;
    console.log(
      `| ${width} | ${fmt(ours)} | ${fmt(jax)} | ${(ours / jax).toFixed(2)}× | ${(gf / ours).toFixed(1)} | ${(gf / jax).toFixed(1)} |`,
    );

    // Where the time goes: one step under the kernel profiler, grouped by kernel and shape class.
    let profiled: TfParams | undefined;
    const info = await tf.profile(() => {
      profiled = step(spec, tp, x, y);
      return [...profiled.weights, ...profiled.biases];
    });
    tp = profiled!;
    const byKernel = new Map<string, number>();
    let total = 0;
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const big = k.inputShapes.some((s) => s && s.length === 2 && s[0] === width && s[1] === width);
      const key = `${k.name}${big ? ' (width × width operand)' : ''}`;
      byKernel.set(key, (byKernel.get(key) ?? 0) + ms);
      total += ms;
    }
    const top = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
    const matmul = [...byKernel.entries()]
      .filter(([k]) => k.startsWith('BatchMatMul'))
      .reduce((a, [, ms]) => a + ms, 0);
    matmulShare = Math.min(matmulShare, matmul / total);
    profiles.push(
      `width ${width}: kernel time ${total.toFixed(0)} ms — ` +
        top.map(([k, ms]) => `${k} ${((100 * ms) / total).toFixed(0)}%`).join(', '),
    );
    disposeTfParams(tp);
  }
  tf.dispose([x, y]);
  console.log('\nprofile of one step (share of kernel time):');
  for (const p of profiles) console.log(`- ${p}`);
  console.log(
    `\nbottleneck: matrix products take ≥ ${(100 * matmulShare).toFixed(0)}% of our kernel time, and they run on ` +
      'one wasm thread (XNNPACK, 128-bit SIMD; TensorFlow.js has no multi-threaded wasm in Node.js, tfjs#3830) while XLA ' +
      `uses native vector units on all ${peer.threads} cores: the gap is matrix-product throughput (GFLOP/s columns), ` +
      'not overhead. A new W each step also makes XNNPACK re-pack it for the forward product.',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
