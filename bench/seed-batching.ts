/**
 * Whether batching S seeds of one configuration into one batched network would pay: the hidden
 * layer's forward product of S networks, S separate [N, w]×[w, w] matMuls against one batched
 * [S, N, w]×[S, w, w] matMul, on the wasm backend (S = 8, N = 64, widths 64–1024). The executor
 * pool ships without seed batching unless this shows a gain at the widths sweeps use (docs/benchmarks.md).
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend/select.js';

const S = 8;
const N = 64;
const WIDTHS = [64, 128, 256, 512, 1024];
const REPS = 7;

/** Median seconds of `fn` (which returns tensors to dispose, read back first so the work is done). */
async function median(fn: () => tf.Tensor[]): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < REPS + 1; r++) {
    const t0 = performance.now();
    const out = fn();
    for (const t of out) await t.data();
    const dt = (performance.now() - t0) / 1000;
    tf.dispose(out);
    if (r > 0) times.push(dt); // the first run warms up
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

export async function run(): Promise<void> {
  const { device } = await selectBackend('wasm');
  console.log(`S = ${S} seeds, N = ${N}, one hidden-layer product per seed, ${device}; medians of ${REPS}\n`);
  console.log('| width | S separate | one batched | batched / separate |');
  console.log('|---:|---:|---:|---:|');
  for (const w of WIDTHS) {
    const hs = Array.from({ length: S }, (_, s) => tf.randomNormal([N, w], 0, 1, 'float32', s) as tf.Tensor2D);
    const ws = Array.from({ length: S }, (_, s) => tf.randomNormal([w, w], 0, 1, 'float32', 100 + s) as tf.Tensor2D);
    const hb = tf.stack(hs) as tf.Tensor3D;
    const wb = tf.stack(ws) as tf.Tensor3D;
    const separate = await median(() => hs.map((h, s) => tf.matMul(h, ws[s])));
    const batched = await median(() => [tf.matMul(hb, wb)]);
    console.log(
      `| ${w} | ${(separate * 1000).toFixed(2)} ms | ${(batched * 1000).toFixed(2)} ms | ${(batched / separate).toFixed(2)}× |`,
    );
    tf.dispose([...hs, ...ws, hb, wb]);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
