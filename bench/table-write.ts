/**
 * Writing one trial's tables against computing it (the goal: writing under 5% of a
 * quickstart trial's compute time). Runs quickstart trials (configs/quickstart.yaml, depth 2, seed
 * 0, widths 64 and 1024) in this process on the wasm backend, after one unmeasured trial (seed 1)
 * that initialises the backend and warms the writer up, as a worker in a sweep is; then rewrites
 * each trial's tables into a fresh run folder with writeTrialTables (temporary files, fsyncs,
 * renames; the shared analytic file is written the first time only, as in a sweep) and reports
 * the median of 7 writes after 3 unmeasured ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandGrid } from '../src/config/expand.js';
import { loadConfig } from '../src/config/loader.js';
import { writeTrialTables } from '../src/tables/write.js';
import { executeTrial } from '../src/trial/execute-trial.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export async function run(): Promise<void> {
  const loaded = loadConfig(path.join(ROOT, 'configs', 'quickstart.yaml'));
  const points = expandGrid(loaded, { yes: true });
  const pick = (width: number, seed = 0) =>
    points.find((p) => p.params.width === width && p.params.depth === 2 && p.params.seed === seed);
  const warm = mkdtempSync(path.join(tmpdir(), 'ntk-bench-write-warm-'));
  try {
    const w = await executeTrial({ runDir: warm, loaded, point: pick(64, 1)!, backend: 'wasm' });
    for (let i = 0; i < 5; i++) await writeTrialTables(warm, w.tables!);
  } finally {
    rmSync(warm, { recursive: true, force: true });
  }
  console.log('| trial | compute (s) | writeTrialTables, median of 7 (ms) | write / compute |');
  console.log('|---|---:|---:|---:|');
  for (const width of [64, 1024]) {
    const point = pick(width);
    if (!point) throw new Error(`quickstart has no width-${width} depth-2 seed-0 trial`);
    const runDir = mkdtempSync(path.join(tmpdir(), 'ntk-bench-write-'));
    const copies = mkdtempSync(path.join(tmpdir(), 'ntk-bench-write-copies-'));
    try {
      const t0 = performance.now();
      const r = await executeTrial({ runDir, loaded, point, backend: 'wasm' });
      const total = (performance.now() - t0) / 1000;
      if (!r.tables) throw new Error('the trial was skipped');
      const times: number[] = [];
      for (let i = 0; i < 10; i++) {
        const w0 = performance.now();
        await writeTrialTables(copies, r.tables);
        if (i >= 3) times.push(performance.now() - w0); // the first also writes the analytic file
      }
      const w = median(times);
      const compute = total - w / 1000;
      const k = r.tables;
      console.log(
        `| width ${width} (${k.kernels.length} kernel rows, ${k.curves.length} curves, ${k.predictions.length} predictions) | ${compute.toFixed(2)} | ${w.toFixed(1)} | ${((100 * w) / 1000 / compute).toFixed(1)}% |`,
      );
    } finally {
      rmSync(runDir, { recursive: true, force: true });
      rmSync(copies, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await run();
