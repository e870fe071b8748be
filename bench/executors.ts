/**
 * Trial executors (executors/pool.ts):
 * - the quickstart sweep (configs/quickstart.yaml, 30 trials) run as a user runs it,
 *   `ntk-sweep run --executors 0` (in-process, one thread) against `--executors 2`, wall time of
 *   the whole command in one run of this benchmark (goal: pool ≤ 0.6× in-process on 2 cores);
 * - trials per second against the number of executors (1, 2, … up to the cores), on the pool
 *   alone (no Temporal): 8 trials of the quickstart's width-512, depth-2 configuration with
 *   different seeds, each size on a fresh run folder.
 * Each comparison runs NTK_BENCH_ROUNDS times (default 2), its sides alternating, and reports the
 * median. The load average is printed: on a shared machine the figures are upper bounds.
 * `NTK_BENCH_QUICK=1` runs a shorter quickstart (100 steps) for a smoke test.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExecutorPool, type TrialTask } from '../executors/index.js';
import { taskPeakBytes } from '../executors/task.js';
import { planFromConfig, writeLaunchFiles } from '../orchestration/run-folder.js';
import { expandGrid } from '../src/config/index.js';
import { loadAverage } from './_load.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.env.NTK_BENCH_QUICK === '1';

/** The quickstart config, with its output in `dir` (and 100 steps when quick). */
function quickstartIn(dir: string): string {
  let text = readFileSync(path.join(ROOT, 'configs', 'quickstart.yaml'), 'utf8').replace(
    'output: runs/quickstart',
    `output: ${path.join(dir, 'run')}`,
  );
  if (QUICK) text = text.replace('steps: 300', 'steps: 100').replace('snapshots: [0, 100, 300]', 'snapshots: [0, 100]');
  const file = path.join(dir, 'quickstart.yaml');
  writeFileSync(file, text);
  return file;
}

/** Wall seconds of `ntk-sweep run` on the quickstart with `executors` executors. */
function sweepSeconds(executors: number): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-bench-exec-'));
  try {
    const config = quickstartIn(dir);
    const t0 = performance.now();
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, 'bin', 'ntk-sweep.js'), 'run', config, '--json', '--executors', String(executors)],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    const s = (performance.now() - t0) / 1000;
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { ok?: number };
    if (r.status !== 0 || result.ok !== 30)
      throw new Error(`quickstart with --executors ${executors}: exit ${r.status}\n${r.stderr}`);
    return s;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Trials per second of a pool of `size` on 8 quickstart trials of width 512, depth 2, and the CPU
 * seconds (every thread of this process) per trial: the load-independent cost of a trial.
 */
async function poolRate(size: number): Promise<{ rate: number; cpuPerTrial: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-bench-pool-'));
  const cwd = process.cwd();
  try {
    process.chdir(dir);
    const text = readFileSync(quickstartIn(dir), 'utf8')
      .replace('width: [64, 128, 256, 512, 1024]', 'width: [512]')
      .replace('depth: [1, 2]', 'depth: [2]')
      .replace('seed: { range: [0, 3] }', 'seed: { range: [0, 8] }');
    writeFileSync('sweep.yaml', text);
    const plan = planFromConfig('sweep.yaml');
    await writeLaunchFiles(plan);
    const tasks: TrialTask[] = expandGrid(plan.loaded).map((p) => ({
      runDir: plan.runDir,
      configDir: plan.configDir,
      index: p.index,
      trialId: p.trialId,
      checkpointEvery: 200,
      attempt: 1,
      backend: 'wasm',
    }));
    const pool = new ExecutorPool({ size, budgetBytes: 2 ** 40, estimate: taskPeakBytes });
    try {
      await pool.ready();
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await Promise.all(tasks.map((t) => pool.run(t, { onProgress() {}, onNote() {} })));
      const cpu = process.cpuUsage(c0);
      return {
        rate: tasks.length / ((performance.now() - t0) / 1000),
        cpuPerTrial: (cpu.user + cpu.system) / 1e6 / tasks.length,
      };
    } finally {
      await pool.close();
    }
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rounds of each comparison, alternating its two sides (a shared machine's load drifts). */
const ROUNDS = Number(process.env.NTK_BENCH_ROUNDS ?? 2);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export async function run(): Promise<void> {
  const cores = availableParallelism();
  console.log(`${cores} cores; ${ROUNDS} alternating rounds; load average before: ${loadAverage()}\n`);

  console.log(
    `quickstart sweep${QUICK ? ' (quick: 100 steps)' : ''}, \`ntk-sweep run\` wall time, backend auto (wasm here)\n`,
  );
  console.log('| round | in-process (--executors 0), s | pool of 2 (--executors 2), s | pool / in-process |');
  console.log('|---:|---:|---:|---:|');
  const ratios: number[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const inProcess = sweepSeconds(0);
    const pooled = sweepSeconds(2);
    ratios.push(pooled / inProcess);
    console.log(`| ${r} | ${inProcess.toFixed(1)} | ${pooled.toFixed(1)} | ${(pooled / inProcess).toFixed(2)}× |`);
  }
  console.log(
    `\npool(2) / in-process, median: ${median(ratios).toFixed(2)}× (goal ≤ 0.6×); load average now: ${loadAverage()}\n`,
  );

  const sizes = [...new Set([1, 2, cores])];
  console.log('pool alone: 8 trials of width 512, depth 2 (quickstart otherwise), wasm; trials/s per round\n');
  console.log(
    `| executors | ${Array.from({ length: ROUNDS }, (_, r) => `round ${r + 1}`).join(' | ')} | median | speed-up over 1 | CPU s per trial (median) |`,
  );
  console.log(`|---:|${'---:|'.repeat(ROUNDS + 3)}`);
  const runs = new Map<number, { rate: number; cpuPerTrial: number }[]>(sizes.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) for (const n of sizes) runs.get(n)!.push(await poolRate(n));
  const one = median(runs.get(1)!.map((x) => x.rate));
  for (const n of sizes) {
    const rs = runs.get(n)!;
    const m = median(rs.map((x) => x.rate));
    const cpu = median(rs.map((x) => x.cpuPerTrial));
    console.log(
      `| ${n} | ${rs.map((x) => x.rate.toFixed(3)).join(' | ')} | ${m.toFixed(3)} | ${(m / one).toFixed(2)}× | ${cpu.toFixed(2)} |`,
    );
  }
  console.log(`\nload average after: ${loadAverage()}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
