/**
 * One quickstart trial end to end (configs/quickstart.yaml at width 1024, depth 2, seed 0) on the
 * wasm backend: where its time goes — training, per-step metrics, empirical-NTK snapshots, analytic
 * kernels, predictions — and the share of writing its tables (the goal: writing under 5% of
 * a quickstart trial's compute). No peer: this is our own pipeline's breakdown. Median of 3 runs.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { selectBackend } from '../src/backend/select.js';
import { analyticIdOf, sweepIdOf, trialIdOf } from '../src/config/ids.js';
import { loadConfig, resolveTrial } from '../src/config/loader.js';
import { writeTrialTables } from '../src/tables/write.js';
import { emptyTimings } from '../src/trial/phase-clock.js';
import { computeTrial } from '../src/trial/compute-trial.js';
import type { TrialTimings } from '../src/trial/types.js';

const CONFIG = 'configs/quickstart.yaml';
const WIDTH = 1024;
const DEPTH = 2;
const RUNS = 3;

interface Measured extends TrialTimings {
  total: number;
  write: number;
  /** CPU seconds of this process (user + system): less sensitive than wall time to other load on the machine. */
  totalCpu: number;
  writeCpu: number;
  bytes: number;
}

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (s: number): string => (s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`);

function folderBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return n;
}

export async function run(): Promise<void> {
  const { device } = await selectBackend('wasm');
  const loaded = loadConfig(CONFIG);
  const config = resolveTrial(loaded, [
    { path: 'model.width', value: WIDTH },
    { path: 'model.depth', value: DEPTH },
    { path: 'seed', value: 0 },
  ]);
  const ids = { sweepId: sweepIdOf(loaded), trialId: trialIdOf(config), analyticId: analyticIdOf(config) };
  const runs: Measured[] = [];
  for (let i = 0; i < RUNS; i++) {
    const timings = emptyTimings();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const tables = await computeTrial(config, { configDir: loaded.dir, ...ids, backend: 'wasm', timings });
    const total = (performance.now() - t0) / 1000;
    const totalCpu = cpuSeconds(c0);
    const dir = mkdtempSync(path.join(tmpdir(), 'ntk-bench-trial-'));
    const w0 = performance.now();
    const wc0 = process.cpuUsage();
    await writeTrialTables(dir, tables);
    const write = (performance.now() - w0) / 1000;
    const writeCpu = cpuSeconds(wc0);
    runs.push({ ...timings, total, write, totalCpu, writeCpu, bytes: folderBytes(dir) });
    rmSync(dir, { recursive: true, force: true });
    if (i === 0) {
      const counts = (['curves', 'kernels', 'predictions', 'spectra', 'modes', 'analytic'] as const).map(
        (t) => `${t} ${tables[t].length}`,
      );
      console.log(
        `quickstart trial: width ${WIDTH}, depth ${DEPTH}, N = ${config.dataset.nTrain}, ${config.train.steps} steps, ` +
          `snapshots [${config.ntk.snapshots.join(', ')}], probe ${config.ntk.probe?.n ?? 0}; ${device}; ` +
          `status ${tables.trials.status}; rows: ${counts.join(', ')}`,
      );
    }
  }
  const m = (k: keyof Measured): number => median(runs.map((r) => r[k]));
  const compute = m('total');
  console.log('');
  console.log(`| part | time (median of ${RUNS}) | share of the trial's compute |`);
  console.log('|---|---:|---:|');
  const parts: [string, keyof Measured][] = [
    ['train (GD loop)', 'train'],
    ['per-step metrics (forward passes, weight change, modes, predicted losses)', 'metrics'],
    ['empirical NTK snapshots (4 splits × snapshots, Θ̂₀, Θ̂_T) + spectra', 'snapshots'],
    ['analytic NNGP/NTK (float64) + eigendecomposition', 'analytic'],
    ['predictions (linearised Θ_∞ / Θ̂₀, ensemble, kernel regressions)', 'predictions'],
    ['setup (data, θ₀, f₀)', 'setup'],
  ];
  for (const [label, k] of parts) console.log(`| ${label} | ${fmt(m(k))} | ${((100 * m(k)) / compute).toFixed(1)}% |`);
  console.log(`| **trial compute (computeTrial)** | ${fmt(compute)} | 100% |`);
  const write = m('write');
  console.log(
    `| writing its tables (writeTrialTables, ${(m('bytes') / 1024).toFixed(0)} KiB of Parquet) | ${fmt(write)} | ${((100 * write) / compute).toFixed(1)}% |`,
  );
  console.log('');
  const cpuShare = m('writeCpu') / m('totalCpu');
  console.log(
    `writing / compute = ${((100 * write) / compute).toFixed(1)}% of wall time, ${(100 * cpuShare).toFixed(1)}% of CPU time ` +
      `(${fmt(m('writeCpu'))} / ${fmt(m('totalCpu'))}); goal < 5%: ${write / compute < 0.05 && cpuShare < 0.05 ? 'met' : 'NOT met'}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
