/**
 * Orchestration overhead: sweeps of 1 000 trials with `train.steps: 0` (initialisation,
 * the step-0 kernel and the tables only) on the embedded Temporal server with in-process workers,
 * as `ntk-sweep run` runs them, at max_parallel 1, 8 and 32. Reported per setting:
 * - trials/s: 1 000 over the workflow chain's wall time (first run's start to last run's close);
 * - per-trial overhead: each runTrial's schedule-to-close time in the history minus the time spent
 *   inside the activity (RunTrialResult.wallMs), median and p95 — what Temporal adds per trial;
 * - the mean time inside the activity, for scale.
 * The same sweeps with a no-op runTrial (test stand-in: returns at once) give the orchestration's
 * own ceiling. Run folders are on tmpfs when there is one (the tables are fsynced file by file);
 * one real sweep on disk shows what fsync costs. Goal: ≥ 50 trials/s at max_parallel 32, median
 * overhead < 20 ms.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createActivities, type SweepActivities } from '../activities/index.js';
import { connectClient } from '../connection/connect.js';
import { startEmbedded } from '../orchestration/embedded.js';
import { startOrAttach } from '../orchestration/start-sweep.js';
import { checkRunFolder, planFromConfig, writeLaunchFiles } from '../orchestration/run-folder.js';
import { findTemporalCli } from '../orchestration/temporal-cli.js';
import { sweepWorkflowId, type RunTrialResult, type SweepResult } from '../workflows/shared.js';
import { activitiesOf, fetchChain } from '../test/integration/helpers/histories.js';

const TRIALS = 1000;
const PARALLEL = [1, 8, 32];

function config(maxParallel: number): string {
  return `name: bench-orch
dataset: { kind: circle, n_train: 4, n_test: 2, seed: 0, target: { kind: sin, freq: 1 } }
model: { activation: relu, parameterization: ntk, w_std: 1.4142, b_std: 0.1, outputs: 1, width: 8 }
grid:
  seed: { range: [0, ${TRIALS}] }
train: { lr: 0.5, steps: 0, log_every: 1 }
ntk: { snapshots: [0], analytic: false, predictions: false }
execution: { backend: wasm, max_parallel: ${maxParallel}, retries: 1, trial_timeout: 1m }
output: runs/bench-orch
`;
}

interface Row {
  label: string;
  maxParallel: number;
  trialsPerS: number;
  overheadMedianMs: number;
  overheadP95Ms: number;
  insideMeanMs: number;
  runs: number;
}

const quantile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const eventMs = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number =>
  t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : NaN;

async function sweep(label: string, maxParallel: number, root: string, activities?: SweepActivities): Promise<Row> {
  const dir = mkdtempSync(path.join(root, 'ntk-bench-orch-'));
  const cwd = process.cwd();
  try {
    process.chdir(dir);
    writeFileSync('sweep.yaml', config(maxParallel));
    const plan = planFromConfig('sweep.yaml');
    checkRunFolder(plan);
    await writeLaunchFiles(plan);
    // In-process trials: this measures what Temporal adds, not the executors (bench/executors.ts).
    const embedded = await startEmbedded({
      runDir: plan.runDir,
      cli: await findTemporalCli(),
      concurrency: maxParallel,
      executors: 0,
      activities,
    });
    const c = await connectClient({ address: embedded.address });
    try {
      const { handle } = await startOrAttach(c.client, plan, {});
      const result = (await handle.result()) as SweepResult;
      if (result.ok + result.diverged !== TRIALS) throw new Error(`${label}: ${JSON.stringify(result)}`);
      const chain = await fetchChain(c.client, sweepWorkflowId(plan.sweepId));
      const events = chain.flatMap((r) => r.history.events ?? []);
      const wallMs = eventMs(events.at(-1)!.eventTime) - eventMs(events[0].eventTime);
      const overhead: number[] = [];
      const inside: number[] = [];
      for (const a of chain.flatMap((r) => activitiesOf(r.history))) {
        if (a.activityType !== 'runTrial' || a.outcome !== 'completed') continue;
        const r = a.result as RunTrialResult;
        overhead.push(a.completedAtMs! - a.scheduledAtMs! - r.wallMs);
        inside.push(r.wallMs);
      }
      overhead.sort((a, b) => a - b);
      return {
        label,
        maxParallel,
        trialsPerS: TRIALS / (wallMs / 1000),
        overheadMedianMs: quantile(overhead, 0.5),
        overheadP95Ms: quantile(overhead, 0.95),
        insideMeanMs: inside.reduce((a, b) => a + b, 0) / inside.length,
        runs: chain.length,
      };
    } finally {
      await c.close();
      await embedded.stop();
    }
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** runTrial that does nothing: the orchestration's own ceiling. */
function noopActivities(): SweepActivities {
  const real = createActivities();
  return {
    ...real,
    runTrial: async (input) => ({
      trialId: input.trialId,
      status: 'ok',
      skipped: false,
      startedFromStep: 0,
      stepsComputed: 0,
      wallMs: 0,
    }),
    aggregate: async () => ({ wrote: [] }),
  };
}

export async function run(): Promise<void> {
  const shm = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const rows: Row[] = [];
  for (const p of PARALLEL) rows.push(await sweep(`steps 0, ${shm === '/dev/shm' ? 'tmpfs' : 'tmp'}`, p, shm));
  rows.push(await sweep('steps 0, disk', 32, tmpdir()));
  for (const p of PARALLEL) rows.push(await sweep('no-op runTrial', p, shm, noopActivities()));

  console.log(`${TRIALS} trials per sweep, embedded dev server, in-process workers\n`);
  console.log(
    '| trials | max_parallel | trials/s | overhead median (ms) | overhead p95 (ms) | in activity, mean (ms) | runs (continue-as-new) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.maxParallel} | ${r.trialsPerS.toFixed(1)} | ${r.overheadMedianMs.toFixed(1)} | ${r.overheadP95Ms.toFixed(1)} | ` +
        `${r.insideMeanMs.toFixed(1)} | ${r.runs} |`,
    );
  }
  const at32 = rows.find((r) => r.maxParallel === 32 && r.label.startsWith('steps 0, t'))!;
  console.log(
    `\ngoal ≥ 50 trials/s at max_parallel 32: ${at32.trialsPerS.toFixed(1)} (${(at32.trialsPerS / 50).toFixed(2)}× the goal); ` +
      `median overhead < 20 ms: ${at32.overheadMedianMs.toFixed(1)} ms`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
