/**
 * Grid expansion (src/config/expand.ts): wall time of `expandGrid` for 1 000, 10 000, 50 000 and
 * 100 000 trials (5 widths × 2 learning rates × seeds), against resolving every point through the
 * full schema and hashing it (`trialIdOf(resolvePoint(…))`, the naive way) up to 10 000 points.
 * Also the time to load the config (the loader checks each axis value against the schema).
 */
import { expandGrid, resolvePoint } from '../src/config/expand.js';
import { trialIdOf } from '../src/config/ids.js';
import { parseConfig } from '../src/config/loader.js';

const REPEATS = 5;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function configFor(trials: number): string {
  return `model: { depth: 2 }
train: { steps: 100 }
grid:
  width: [64, 128, 256, 512, 1024]
  lr: [0.5, 1]
  seed: { range: [0, ${trials / 10}] }
`;
}

export async function run(): Promise<void> {
  console.log('| trials | load ms | expandGrid ms (median of 5) | µs / trial | naive resolve+hash ms | ratio |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const trials of [1_000, 10_000, 50_000, 100_000]) {
    const t0 = performance.now();
    const loaded = parseConfig(configFor(trials), 'bench.yaml');
    const loadMs = performance.now() - t0;
    const times: number[] = [];
    let points = expandGrid(loaded); // warm-up
    for (let r = 0; r < REPEATS; r++) {
      const t = performance.now();
      points = expandGrid(loaded);
      times.push(performance.now() - t);
    }
    if (points.length !== trials) throw new Error(`expected ${trials} points, got ${points.length}`);
    const fast = median(times);
    let naive = '';
    let ratio = '';
    if (trials <= 10_000) {
      const t = performance.now();
      for (const p of points) if (trialIdOf(resolvePoint(loaded, p)) !== p.trialId) throw new Error('ids disagree');
      const ms = performance.now() - t;
      naive = ms.toFixed(0);
      ratio = `${(ms / fast).toFixed(1)}×`;
    }
    console.log(
      `| ${trials} | ${loadMs.toFixed(0)} | ${fast.toFixed(0)} | ${((fast * 1000) / trials).toFixed(1)} | ${naive} | ${ratio} |`,
    );
  }
}
