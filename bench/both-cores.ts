/**
 * The GD step and the empirical NTK against JAX with both cores in use by ours as by JAX: ours as
 * k independent problems on k threads (one wasm backend each, as the trial executors run trials),
 * throughput k / (median seconds per call under that contention), against JAX's one call using
 * every core (bench/peers/gd_step_jax.py, bench/peers/empirical_ntk_jax.py), same machine, same run.
 * Shapes as bench/gd-step.ts (N = 512, 8-d, depth 2) and bench/empirical-ntk.ts (N = 256, 8-d,
 * depth 3), width 1024.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { runPython } from '../test/helpers/python.js';
import type { ThreadJob } from './_both-cores-thread.js';

const WIDTH = 1024;
const GD: Omit<ThreadJob, 'seed'> = { kind: 'gd', n: 512, dim: 8, depth: 2, width: WIDTH, reps: 5, lr: 0.1 };
const NTK: Omit<ThreadJob, 'seed'> = { kind: 'ntk', n: 256, dim: 8, depth: 3, width: WIDTH, reps: 3, lr: 0 };

const BOOT = new URL('../executors/thread-entry.mjs', import.meta.url);
const ENTRY = new URL('./_both-cores-thread.ts', import.meta.url).href;

/** Calls per second of `k` threads each timing its own problem at once. */
async function throughput(job: Omit<ThreadJob, 'seed'>, k: number): Promise<number> {
  const medians = await Promise.all(
    Array.from(
      { length: k },
      (_, i) =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(BOOT, { workerData: { entry: ENTRY, job: { ...job, seed: i } } });
          w.once('message', (s: number) => resolve(s));
          w.once('error', reject);
        }),
    ),
  );
  return medians.reduce((a, s) => a + 1 / s, 0);
}

const fmt = (s: number): string => (s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`);

export async function run(): Promise<void> {
  const cores = availableParallelism();
  const gdPeer = runPython<{ results: { width: number; step_s: number }[] }>('bench/peers/gd_step_jax.py', {
    n: GD.n,
    dim: GD.dim,
    depth: GD.depth,
    widths: [WIDTH],
    reps: GD.reps,
    lr: GD.lr,
  });
  const ntkPeer = runPython<{ results: { width: number; structured_s: number }[] }>(
    'bench/peers/empirical_ntk_jax.py',
    {
      n: NTK.n,
      dim: NTK.dim,
      depth: NTK.depth,
      widths: [WIDTH],
      reps: NTK.reps,
      budget_bytes: 0,
    },
  );
  const rows: [string, Omit<ThreadJob, 'seed'>, number][] = [
    ['GD step (N 512, depth 2)', GD, gdPeer.results[0].step_s],
    ['empirical NTK, structured (N 256, depth 3)', NTK, ntkPeer.results[0].structured_s],
  ];
  console.log(
    `width ${WIDTH}; ours: k wasm threads on k independent problems; JAX: one problem on all ${cores} cores\n`,
  );
  console.log('| computation | JAX per call | ours, 1 thread | ours, 2 threads | ours(2) / JAX, time per call |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, job, jax] of rows) {
    const one = await throughput(job, 1);
    const two = await throughput(job, Math.min(2, cores));
    console.log(
      `| ${name} | ${fmt(jax)} | ${fmt(1 / one)} | ${fmt(1 / two)} (per call, effective) | ${(1 / two / jax).toFixed(2)}× |`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
