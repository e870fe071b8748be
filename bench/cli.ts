/**
 * Start-up of the CLI (`npm run bench -- cli`): medians of 5 cold starts (a new process each; the
 * page cache warm) of `--help`, `validate configs/quickstart.yaml`, `query` of a small run folder
 * and `status` of it, each three ways, interleaved so that load drifts alike on all:
 *   compiled — bin/ntk-sweep.js running dist/ (built here first, scripts/build.mjs);
 *   sources  — bin/ntk-sweep.js running the sources through tsx (NTK_SWEEP_FROM_SOURCE=1);
 *   eager    — the start-up before this change: tsx, every command's libraries loaded first
 *              (bench/_cli-eager.ts).
 * The run folder is a real sweep's (test/integration/fixtures/tiny.yaml, 8 trials, run once here
 * with the embedded server unless NTK_BENCH_CLI_RUN names one). Goals: --help < 0.3 s,
 * validate < 0.8 s, query < 1 s, status < 1.5 s. Load averages are printed beside the figures.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage } from './_load.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'ntk-sweep.js');
const ROUNDS = 5;

type Way = 'compiled' | 'sources' | 'eager';
const WAYS: Way[] = ['compiled', 'sources', 'eager'];

function command(way: Way, args: string[]): { argv: string[]; env: NodeJS.ProcessEnv } {
  const env = {
    ...process.env,
    NODE_OPTIONS: '',
    NTK_SWEEP_FROM_SOURCE: way === 'sources' ? '1' : '',
    NTK_SWEEP_DEBUG_START: '1',
  };
  if (way === 'eager')
    return {
      argv: ['--import', import.meta.resolve('tsx/esm'), path.join(ROOT, 'bench', '_cli-eager.ts'), ...args],
      env,
    };
  return { argv: [BIN, ...args], env };
}

/** Wall seconds of one run; throws when the command fails, so that no failure is timed. */
function timeOnce(way: Way, args: string[], cwd: string): number {
  const { argv, env } = command(way, args);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { cwd, env, encoding: 'utf8' });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${way} ntk-sweep ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  // An edit during the benchmark makes dist/ stale and bin fall back to tsx: never time that as compiled.
  if (way === 'compiled' && !r.stderr.startsWith('ntk-sweep: running dist/ (compiled)'))
    throw new Error(`dist/ was not used: ${r.stderr.split('\n')[0]}`);
  return s;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<void> {
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stderr}`);

  const work = mkdtempSync(path.join(tmpdir(), 'ntk-bench-cli-'));
  try {
    let runDir = process.env.NTK_BENCH_CLI_RUN;
    if (!runDir) {
      cpSync(path.join(ROOT, 'test', 'integration', 'fixtures', 'tiny.yaml'), path.join(work, 'tiny.yaml'));
      const r = spawnSync(process.execPath, [BIN, 'run', 'tiny.yaml', '--progress', 'lines'], {
        cwd: work,
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`the sweep to query failed:\n${r.stderr}`);
      runDir = path.join(work, 'runs', 'tiny');
    }
    const cases: [string, string[], number][] = [
      ['--help', ['--help'], 0.3],
      ['validate configs/quickstart.yaml', ['validate', path.join(ROOT, 'configs', 'quickstart.yaml')], 0.8],
      [
        'query (8-trial run)',
        ['query', runDir, 'SELECT width, avg(final_train_loss) AS loss FROM trials GROUP BY width ORDER BY width'],
        1,
      ],
      ['status (8-trial run, server stopped)', ['status', runDir], 1.5],
    ];
    const times = new Map<string, number[]>();
    const node: number[] = [];
    const loadBefore = loadAverage(1);
    for (let round = 0; round < ROUNDS; round++) {
      // The floor: Node.js starting and doing nothing, on this machine under this load.
      const t0 = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      node.push((performance.now() - t0) / 1000);
      for (const [name, args] of cases) {
        for (const way of WAYS) {
          const key = `${name}|${way}`;
          times.set(key, [...(times.get(key) ?? []), timeOnce(way, args, work)]);
        }
      }
    }
    console.log(`load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAverage(1)}`);
    console.log(`node -e 0 (Node.js alone): ${median(node).toFixed(2)} s\n`);
    console.log('| command | goal (s) | compiled (s) | sources, tsx (s) | eager, before (s) | eager / compiled |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const [name, , goal] of cases) {
      const [c, s, e] = WAYS.map((w) => median(times.get(`${name}|${w}`)!));
      console.log(
        `| ${name} | ${goal} | ${c.toFixed(2)} | ${s.toFixed(2)} | ${e.toFixed(2)} | ${(e / c).toFixed(1)}× |`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await run();
