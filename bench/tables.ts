/**
 * Tables benchmark on one synthetic run folder of N trials (default 10 000; set
 * NTK_BENCH_TRIALS) with 1 000 curve rows each, written by the real writer (writeTrialTables):
 *  1. Parquet write time per trial (all six tables of a trial, fsynced, renamed into place);
 *  2. the same aggregation queries over the whole folder from TypeScript (@duckdb/node-api), from
 *     Python DuckDB (identical SQL text) and polars (lazy API, same result), with ratios — the
 *     goal is TypeScript within 1.5× of Python DuckDB;
 *  3. compaction (src/tables/compact.ts) of the folder and of each subset, in a process of its
 *     own: wall time, trials per second, peak resident memory, bytes before and after;
 *  4. aggregateRun (summary + fits, 1 000 bootstrap resamples) on 100, 1 000 and 10 000 trials
 *     (subsets of the same folder through hard links) — the goal is under 10 s for 10 000.
 * The queries include `SELECT width, avg(final_kernel_rel_err) … GROUP BY width`, also timed through
 * the `ntk-sweep query` command itself (process start included). NTK_BENCH_COMPACT=0 skips step 3:
 * the queries and the aggregation then read one file per trial and table.
 * Grid: 10 widths × 2 depths × 5 learning rates × N/100 seeds. NTK_BENCH_RUN_DIR reuses (and
 * completes) a folder from an earlier run instead of a fresh temporary one; it is kept.
 */
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { aggregateRun } from '../src/aggregate/index.js';
import { openRun, parquetSource, tablesNamedIn } from '../src/query/index.js';
import { checkTrial } from '../src/tables/read.js';
import { TRIAL_TABLES } from '../src/tables/rows.js';
import { ANALYTIC_DIR, snapshotDir } from '../src/tables/run-folder.js';
import { writeTrialTables } from '../src/tables/write.js';
import { ROOT, runPython } from '../test/helpers/python.js';
import { studyTrialTables, trialIdOf, type StudyOptions, type StudyPoint } from '../test/helpers/width-study.js';

const WIDTHS = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];
const DEPTHS = [1, 2];
const LRS = [0.25, 0.5, 1, 2, 4];
const STEPS = 999; // logged every step: 1 000 curve rows per trial
const REPEATS = 5;

/** CPU seconds of this process (all DuckDB threads included) since `from`. */
const cpuSeconds = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The grid points of the first `n` trials: seeds grow last, so smaller n are whole studies with fewer seeds. */
export function gridPoints(seeds: number, widths = WIDTHS, depths = DEPTHS, lrs = LRS): StudyPoint[] {
  const out: StudyPoint[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    for (const width of widths) for (const depth of depths) for (const lr of lrs) out.push({ width, depth, lr, seed });
  }
  return out;
}

export const study: StudyOptions = {
  widths: WIDTHS,
  seeds: [],
  steps: STEPS,
  logEvery: 1,
  snapshots: [0, 500, STEPS],
  ranks: 2,
  nTrain: 16,
  nTest: 8,
  curves: (p, step, snap) => ({
    kernel_rel_err: snap ? p.width ** -0.5 * (1 + step / STEPS) * (1 + 0.1 * Math.sin(p.seed)) : null,
  }),
};

export async function writeRun(dir: string, points: StudyPoint[]): Promise<{ perTrialMs: number[]; written: number }> {
  const perTrialMs: number[] = [];
  let written = 0;
  const t0 = performance.now();
  for (const p of points) {
    if (checkTrial(dir, trialIdOf(p), { level: 'footer' }).state === 'complete') continue;
    const tables = studyTrialTables(p, study); // generating the rows is not part of the write time
    const a = performance.now();
    await writeTrialTables(dir, tables);
    perTrialMs.push(performance.now() - a);
    written++;
    if (written % 1000 === 0) {
      console.error(`  wrote ${written} trials (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  }
  return { perTrialMs, written };
}

/** A run folder holding a subset of `dir`'s (uncompacted) trials, by hard links (no copying), in plain table folders. */
function linkSubset(dir: string, points: StudyPoint[]): string {
  const sub = mkdtempSync(path.join(tmpdir(), `ntk-bench-sub${points.length}-`));
  const ids = new Set(points.map((p) => trialIdOf(p)));
  for (const table of [...TRIAL_TABLES, ANALYTIC_DIR]) {
    const from = snapshotDir(dir, table);
    mkdirSync(path.join(sub, table));
    for (const f of readdirSync(from)) {
      if (table === ANALYTIC_DIR || ids.has(f.replace(/\.parquet$/, '')))
        linkSync(path.join(from, f), path.join(sub, table, f));
    }
  }
  return sub;
}

/** Bytes of the Parquet files of the per-trial tables. */
export function tableBytes(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const t of TRIAL_TABLES) {
    const folder = snapshotDir(dir, t);
    for (const name of readdirSync(folder)) {
      if (!name.endsWith('.parquet')) continue;
      files++;
      bytes += statSync(path.join(folder, name)).size;
    }
  }
  return { files, bytes };
}

/** What one compaction in a child process cost (test/helpers/compact-child.ts), with the files before and after. */
export interface ChildCompaction {
  compacted: number;
  parts: string[];
  wallS: number;
  cpuS: number;
  maxRssMiB: number;
  bytesRead: number;
  bytesWritten: number;
  before: { files: number; bytes: number };
  after: { files: number; bytes: number };
}

/** Compacts `dir` in a child process (test/helpers/compact-child.ts), parts of up to 5 000 trials. */
export function compactInChild(dir: string): ChildCompaction {
  const before = tableBytes(dir);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/helpers/compact-child.ts'), dir, '5000'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      maxBuffer: 1 << 26,
    },
  );
  if (r.status !== 0) throw new Error(`compaction of ${dir} failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Omit<ChildCompaction, 'before' | 'after'>;
  return { ...res, before, after: tableBytes(dir) };
}

/** Compacts `dir` in a child process and prints what it cost. */
function compactAndReport(dir: string, label: string): void {
  const res = compactInChild(dir);
  console.log(
    `  ${label}: ${res.compacted} trials in ${res.wallS.toFixed(1)} s (${(res.compacted / res.wallS).toFixed(0)} trials/s, ` +
      `${(res.bytesRead / 2 ** 20 / res.wallS).toFixed(1)} MiB/s read), peak RSS ${res.maxRssMiB.toFixed(0)} MiB; ` +
      `${res.before.files} files, ${(res.before.bytes / 2 ** 20).toFixed(1)} MiB → ${res.after.files} files (${res.parts.length} parts), ${(res.after.bytes / 2 ** 20).toFixed(1)} MiB`,
  );
}

/** `ntk-sweep query RUN SQL` as a user runs it: the whole command, process start included. */
function cliQuerySeconds(dir: string, sql: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'ntk-sweep.js'), 'query', dir, sql], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  if (r.status !== 0) throw new Error(`ntk-sweep query failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

function checksum(rows: unknown[][]): [number, number] {
  let total = 0;
  for (const r of rows)
    for (const v of r)
      if (typeof v === 'number' && Number.isFinite(v)) total += v;
      else if (typeof v === 'bigint') total += Number(v);
  return [rows.length, total];
}

export interface Query {
  name: string;
  what: string;
  /** SQL over views (`curves`, `trials`). */
  views: string;
}

export const WIDTH_QUERY = `SELECT t.width, avg(t.final_kernel_rel_err) AS mean_kernel_rel_err, count(*) AS n FROM trials t GROUP BY t.width ORDER BY t.width`;

export const QUERIES: Query[] = [
  {
    name: 'kernel_err_by_width',
    what: 'per width: mean final_kernel_rel_err (trials alone, no join)',
    views: WIDTH_QUERY,
  },
  {
    name: 'last_step_by_width',
    what: 'per width: mean train_loss at the last step (ok trials)',
    views: `SELECT t.width, avg(c.train_loss) AS mean_train_loss, count(*) AS n
      FROM curves c JOIN trials t ON t.trial_id = c.trial_id
      WHERE c.step = ${STEPS} AND t.status = 'ok' GROUP BY t.width ORDER BY t.width`,
  },
  {
    name: 'curves_by_params',
    what: 'per width × depth × lr × step: mean and sd of train and test loss over seeds',
    views: `SELECT t.width, t.depth, t.lr, c.step, avg(c.train_loss) AS mean_train, stddev_samp(c.train_loss) AS sd_train,
        avg(c.test_loss) AS mean_test, stddev_samp(c.test_loss) AS sd_test
      FROM curves c JOIN trials t ON t.trial_id = c.trial_id
      WHERE t.status = 'ok' GROUP BY t.width, t.depth, t.lr, c.step ORDER BY t.width, t.depth, t.lr, c.step`,
  },
];

/**
 * Reading alone: the columns aggregateRun reads from trials, curves and spectra, scanned once each
 * without computing anything — the floor under the aggregation's time on this many files.
 */
async function readingFloor(dir: string): Promise<{ wall: number; cpu: number }> {
  const db = await openRun(dir, { only: ['trials', 'curves', 'spectra'] });
  const c = db.connection;
  const cols = async (t: string) =>
    (await c.runAndReadAll(`DESCRIBE ${t}`)).getRowObjectsJS().map((r) => String(r.column_name));
  const trialCols = (await cols('trials')).filter(
    (n) =>
      ['trial_id', 'params_json', 'status', 'width', 'seed', 'steps'].includes(n) || /^(final_|test_loss_)/.test(n),
  );
  const curveCols = await cols('curves');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await c.run(`CREATE TEMP TABLE floor_trials AS SELECT ${trialCols.map((n) => `"${n}"`).join(', ')} FROM trials`);
  await c.runAndReadAll(`SELECT ${curveCols.map((n) => `count("${n}")`).join(', ')} FROM curves`);
  await c.runAndReadAll(
    `SELECT count(trial_id), count(step), count(kind), count("rank"), count(eigenvalue) FROM spectra`,
  );
  const r = { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds(cpu0) };
  db.close();
  return r;
}

/** The query with each view replaced by its read_parquet(...) source: the text Python DuckDB runs. */
function direct(sql: string, dir: string): string {
  return sql
    .replace(/\bcurves c\b/, `${parquetSource(dir, 'curves')} c`)
    .replace(/\btrials t\b/, `${parquetSource(dir, 'trials')} t`);
}

/**
 * The queries over `dir` from TypeScript (the `ntk-sweep query` path, and a bare database) and from
 * Python DuckDB and polars (bench/peers/tables_query.py), interleaved over the repetitions, with the
 * ratios; then the width query through the whole `ntk-sweep query` command. Prints a table.
 */
export async function compareQueries(dir: string, trials: number, queries: readonly Query[] = QUERIES): Promise<void> {
  const tsViews: Record<string, number[]> = {};
  const tsDirect: Record<string, number[]> = {};
  /** The query alone, on the bare database already open. */
  const tsQuery: Record<string, number[]> = {};
  const tsChecks: Record<string, [number, number]> = {};
  const tsCpu: Record<string, number[]> = {};
  const openTimes: number[] = [];
  type PeerResult = {
    duckdb_s: number[];
    duckdb_query_s: number[];
    polars_s: number[];
    duckdb_cpu_s: number[];
    duckdb_check: [number, number];
    polars_check: [number, number];
  };
  const py: Record<string, PeerResult> = {};
  let versions: Record<string, string> = {};
  for (const q of queries) {
    tsViews[q.name] = [];
    tsDirect[q.name] = [];
    tsQuery[q.name] = [];
    tsCpu[q.name] = [];
    py[q.name] = {
      duckdb_s: [],
      duckdb_query_s: [],
      polars_s: [],
      duckdb_cpu_s: [],
      duckdb_check: [0, 0],
      polars_check: [0, 0],
    };
  }
  // Repetitions interleave TypeScript and Python, so that both see the same load on a shared machine.
  for (let r = 0; r < REPEATS; r++) {
    const t = performance.now();
    (await openRun(dir)).close();
    openTimes.push((performance.now() - t) / 1000);
    for (const q of queries) {
      // What `ntk-sweep query` does: views for the tables the statement names (their making timed too), then the query.
      let t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const db = await openRun(dir, { only: tablesNamedIn(q.views) });
      const rows = (await db.connection.runAndReadAll(q.views)).getRowsJS();
      tsViews[q.name].push((performance.now() - t0) / 1000);
      tsCpu[q.name].push(cpuSeconds(cpu0));
      tsChecks[q.name] = checksum(rows as unknown[][]);
      db.close();
      // A bare in-memory database, as Python gets: the SQL names the files itself. Every side
      // opens its database inside the timing.
      t0 = performance.now();
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      const t1 = performance.now();
      (await connection.runAndReadAll(direct(q.views, dir))).getRowsJS();
      tsQuery[q.name].push((performance.now() - t1) / 1000);
      tsDirect[q.name].push((performance.now() - t0) / 1000);
      connection.closeSync();
      instance.closeSync();
    }
    const peer = runPython<{ versions: Record<string, string>; results: Record<string, PeerResult> }>(
      'bench/peers/tables_query.py',
      {
        run: dir,
        repeats: 1,
        queries: queries.map((q) => ({ name: q.name, sql: direct(q.views, dir), last_step: STEPS })),
      },
      3_600_000,
    );
    versions = peer.versions;
    for (const q of queries) {
      const got = peer.results[q.name];
      const acc = py[q.name];
      acc.duckdb_s.push(...got.duckdb_s);
      acc.duckdb_query_s.push(...got.duckdb_query_s);
      acc.polars_s.push(...got.polars_s);
      acc.duckdb_cpu_s.push(...got.duckdb_cpu_s);
      acc.duckdb_check = got.duckdb_check;
      acc.polars_check = got.polars_check;
    }
  }
  /** Median over repetitions of TypeScript's time over Python DuckDB's in the same repetition. */
  const pairedRatio = (ts: number[], name: string, peer: 'duckdb_s' | 'duckdb_query_s' = 'duckdb_s'): number =>
    median(ts.map((x, i) => x / py[name][peer][i]));
  console.log(
    `\nQueries over ${trials} trials (median of ${REPEATS}, each in a fresh database opened inside the timing, result fetched whole; ` +
      'ratios: median over repetitions of TS / Python DuckDB in the same repetition):',
  );
  console.log(`  a view for every table (what SHOW TABLES needs): median ${median(openTimes).toFixed(2)} s`);
  const rows: string[][] = [];
  for (const q of queries) {
    const p = py[q.name];
    const same = (a: [number, number], b: [number, number]) =>
      a[0] === b[0] && Math.abs(a[1] - b[1]) <= 1e-9 * Math.max(1, Math.abs(b[1]));
    const ok = same(tsChecks[q.name], p.duckdb_check) && same(tsChecks[q.name], p.polars_check);
    const pyDuck = median(p.duckdb_s);
    rows.push([
      q.name,
      median(tsViews[q.name]).toFixed(3),
      median(tsDirect[q.name]).toFixed(3),
      pyDuck.toFixed(3),
      median(p.polars_s).toFixed(3),
      pairedRatio(tsViews[q.name], q.name).toFixed(2),
      pairedRatio(tsDirect[q.name], q.name).toFixed(2),
      `${median(tsQuery[q.name]).toFixed(3)} / ${median(p.duckdb_query_s).toFixed(3)}`,
      pairedRatio(tsQuery[q.name], q.name, 'duckdb_query_s').toFixed(2),
      `${median(tsCpu[q.name]).toFixed(2)} / ${median(p.duckdb_cpu_s).toFixed(2)}`,
      ok
        ? `same (${tsChecks[q.name][0]} rows)`
        : `DIFFER ${JSON.stringify([tsChecks[q.name], p.duckdb_check, p.polars_check])}`,
    ]);
    console.log(`  ${q.name}: ${q.what}`);
  }
  const header = [
    'query',
    'TS views s',
    'TS direct s',
    `py duckdb ${versions.duckdb} s`,
    `polars ${versions.polars} s`,
    'views/py',
    'direct/py',
    'query alone s TS / py',
    'query alone TS/py',
    'CPU s TS views / py',
    'results',
  ];
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => `| ${cells.map((c, j) => c.padEnd(widths[j])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((x) => '-'.repeat(x + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log(
    '  TS: @duckdb/node-api (DuckDB 1.5); "views" = the `ntk-sweep query` path (views for the named tables made, then the query; both timed),\n' +
      '  "direct" = the identical read_parquet SQL text Python runs, in a bare database; "query alone" = the same, the database already open.',
  );

  const cli = Array.from({ length: 3 }, () => cliQuerySeconds(dir, WIDTH_QUERY));
  console.log(
    `  \`ntk-sweep query RUN '${WIDTH_QUERY}'\` (the whole command, process start included): median of 3 ${median(cli).toFixed(2)} s`,
  );
}

export async function run(): Promise<void> {
  const n = Number(process.env.NTK_BENCH_TRIALS ?? 10_000);
  const seeds = Math.max(1, Math.round(n / 100));
  const keep = process.env.NTK_BENCH_RUN_DIR;
  const dir = keep ?? mkdtempSync(path.join(tmpdir(), 'ntk-bench-tables-'));
  mkdirSync(dir, { recursive: true });
  const points = gridPoints(seeds);
  console.log(
    `run folder: ${dir} — ${points.length} trials × ${STEPS + 1} curve rows (${WIDTHS.length} widths × ${DEPTHS.length} depths × ${LRS.length} lrs × ${seeds} seeds)`,
  );

  // 1. Writing.
  const w = await writeRun(dir, points);
  if (w.written) {
    const ms = w.perTrialMs;
    const sorted = [...ms].sort((a, b) => a - b);
    const total = ms.reduce((a, b) => a + b, 0);
    console.log(
      `\nParquet write (writeTrialTables: curves, kernels, predictions, spectra, modes, trials; fsync + rename), ${w.written} trials:`,
    );
    console.log(
      `  per trial (single thread): mean ${(total / ms.length).toFixed(1)} ms, median ${median(ms).toFixed(1)} ms, ` +
        `p90 ${sorted[Math.floor(0.9 * (sorted.length - 1))].toFixed(1)} ms; ${(total / 1000).toFixed(0)} s in all`,
    );
  } else {
    console.log('\n(all trials already written: no write timing this run)');
  }

  // Subsets for the aggregation, linked before compaction (from the small files).
  const subsets =
    seeds >= 10 ? [gridPoints(10, WIDTHS, [1], [0.5]), gridPoints(10)].filter((pts) => pts.length < points.length) : [];
  const subsetDirs = new Map(subsets.map((pts) => [pts.length, linkSubset(dir, pts)]));

  // 2. Compaction.
  if (process.env.NTK_BENCH_COMPACT !== '0') {
    console.log('\nCompaction (a process of its own; parts of up to 5 000 trials):');
    for (const [n, sub] of subsetDirs) compactAndReport(sub, `${n} trials`);
    compactAndReport(dir, `${points.length} trials`);
  }

  // 3. Queries.
  await compareQueries(dir, points.length);
  const subsetFor = new Map<number, string>();

  // 4. Aggregation.
  console.log('\naggregateRun (summary + fits with 1 000 bootstrap resamples, files written):');
  // Subsets with 10 seeds per cell (100 trials: one group; 1 000: every group), then the whole folder.
  const sizes = [
    ...subsets.map((pts) => ({ n: pts.length, pts, whole: false })),
    { n: points.length, pts: points, whole: true },
  ];
  for (const s of sizes) {
    const sub = s.whole ? dir : subsetDirs.get(s.n)!;
    subsetFor.set(s.n, sub);
    const times: number[] = [];
    const cpus: number[] = [];
    const phases = new Map<string, number[]>();
    let summaryRows = 0;
    let fits = 0;
    for (let r = 0; r < (s.n >= 10_000 ? 3 : REPEATS); r++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const res = await aggregateRun(sub, {
        onPhase: (name, sec) => phases.set(name, [...(phases.get(name) ?? []), sec]),
      });
      times.push((performance.now() - t0) / 1000);
      cpus.push(cpuSeconds(cpu0));
      summaryRows = res.summaryRows;
      fits = res.fits.length;
    }
    const phaseText = [...phases].map(([name, xs]) => `${name} ${median(xs).toFixed(2)}`).join(', ');
    const floor = await readingFloor(sub);
    console.log(
      `  ${String(s.pts.length).padStart(6)} trials: median ${median(times).toFixed(2)} s wall (min ${Math.min(...times).toFixed(2)}), ` +
        `${median(cpus).toFixed(2)} s CPU; phases (s): ${phaseText}; ${summaryRows} summary rows, ${fits} fits`,
    );
    console.log(
      `          reading the same columns alone: ${floor.wall.toFixed(2)} s wall, ${floor.cpu.toFixed(2)} s CPU`,
    );
  }
  for (const sub of subsetFor.values()) if (sub !== dir) rmSync(sub, { recursive: true, force: true });
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
