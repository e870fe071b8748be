/**
 * Real run folders for the report tests: a tiny sweep config written as RUN/config.yaml, its
 * trials run for real (by the `ntk-sweep trial` executable, as a user or worker would, or
 * in-process through the same executeTrial), manifest.json written as `ntk-sweep run` writes it,
 * failed trials recorded as the orchestration records them (writeFailedTrial), then aggregated.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { aggregateRun } from '../../src/aggregate/index.js';
import { expandGrid, type TrialPoint } from '../../src/config/expand.js';
import { sweepIdOf } from '../../src/config/ids.js';
import { loadConfig, type LoadedConfig } from '../../src/config/loader.js';
import { resolvePoint } from '../../src/config/expand.js';
import { writeFailedTrial, writeManifest } from '../../src/tables/index.js';
import type { TrialRow } from '../../src/tables/rows.js';
import { ROOT } from '../helpers/python.js';
import { failedTrialRow } from '../../src/trial/failed-row.js';

/** Runs `ntk-sweep trial` as a child process (the real executable); rejects with its stderr on failure. */
function trialCli(configFile: string, trialId: string, runDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'ntk-sweep.js'), 'trial', configFile, '--trial', trialId, '--run-dir', runDir],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ntk-sweep trial ${trialId} exited ${code}:\n${stderr.slice(-2000)}`)),
    );
  });
}

/** Runs `jobs` with at most `limit` in flight. */
async function pool(jobs: (() => Promise<void>)[], limit: number): Promise<void> {
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    }),
  );
}

/** A tiny width study: ReLU, depth 1, 16 points on the circle, 20 steps, probe set on the circle. */
export function tinyConfig(opts: {
  name: string;
  widths: number[];
  seeds: number[];
  lrs?: number[];
  steps?: number;
}): string {
  const lrAxis = opts.lrs ? `\n  lr: [${opts.lrs.join(', ')}]` : '';
  const steps = opts.steps ?? 20;
  return `# report test: a tiny width study
name: ${opts.name}
dataset: { kind: circle, n_train: 16, n_test: 16, seed: 0, target: { kind: sin, freq: 2 } }
model: { depth: 1, activation: relu, parameterization: ntk, w_std: 1.4142, b_std: 0.1, outputs: 1 }
grid:
  width: [${opts.widths.join(', ')}]
  seed: [${opts.seeds.join(', ')}]${lrAxis}
train: { ${opts.lrs ? '' : 'lr: 1.0, '}steps: ${steps}, log_every: 5 }
ntk: { snapshots: [0, ${steps}], analytic: true, predictions: true, probe: { kind: circle, n: 24 } }
execution: { backend: wasm, max_parallel: 1, retries: 0, trial_timeout: 10m }
`;
}

export interface MadeRun {
  runDir: string;
  loaded: LoadedConfig;
  points: TrialPoint[];
}

/** A folder under runs/ (kept after the test, for CI artifacts), emptied first. */
export function testRunDir(name: string): string {
  const dir = path.join(ROOT, 'runs', 'test-report', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Writes the config into `runDir`, runs every grid point (except those `fail` names, which are
 * recorded as failed with `failError`), writes manifest.json, and aggregates.
 */
export async function makeRunFolder(
  runDir: string,
  yaml: string,
  opts: { via: 'cli' | 'in-process'; fail?: (p: TrialPoint) => boolean; failError?: string },
): Promise<MadeRun> {
  const configFile = path.join(runDir, 'config.yaml');
  writeFileSync(configFile, yaml);
  const loaded = loadConfig(configFile);
  const points = expandGrid(loaded);
  const sweepId = sweepIdOf(loaded);
  await writeManifest(runDir, {
    sweep_id: sweepId,
    config_hash: createHash('sha256').update(yaml).digest('hex'),
    trial_count: points.length,
    config: loaded.raw as Record<string, unknown>,
  });
  const { executeTrial } = await import('../../src/trial/execute-trial.js');
  const jobs: (() => Promise<void>)[] = [];
  for (const p of points) {
    if (opts.fail?.(p)) {
      await writeFailedTrial(runDir, failedRow(loaded, p, sweepId, opts.failError ?? 'worker lost'));
    } else if (opts.via === 'cli') {
      jobs.push(() => trialCli(configFile, p.trialId, runDir));
    } else {
      await executeTrial({ runDir, loaded, point: p, sweepId });
    }
  }
  // Two at a time: the CI machine has two cores, and each process mostly waits on its start-up.
  await pool(jobs, 2);
  await aggregateRun(runDir, { resamples: 200 });
  return { runDir, loaded, points };
}

/** The trials row the orchestration writes for a trial that kept failing (3 attempts, as the tests' retry policy). */
function failedRow(loaded: LoadedConfig, p: TrialPoint, sweepId: string, error: string): TrialRow {
  return { ...failedTrialRow(resolvePoint(loaded, p), sweepId, error, 3), backend: 'wasm', device: 'wasm' };
}
