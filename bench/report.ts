/**
 * Report rendering time for run folders of 100, 1 000 and 10 000 trials (goal with the
 * aggregation: under 10 s for 10 000 trials on the 2-core machine).
 *
 * The folders are synthetic but shaped like real ones: one Parquet file per trial and table in the
 * flat layout of src/tables/rows.ts (trials, curves with 31 logged steps and 3 kernel snapshots,
 * kernels with the train kernel (N = 32) and the probe row Θ(x₀, ·) (P = 64) at 2 snapshots,
 * spectra with 32 ranks), analytic rows per group, about 1% diverged and 1% failed trials; DuckDB
 * generates the rows and writes the files. `summary` and `fits` are made by the real aggregateRun
 * (its time is printed too, for the issue's combined goal; it is the aggregation's own benchmark).
 * Two shapes at 10 000 trials: 10 groups × 10 widths × 100 seeds, and 100 groups × 10 widths ×
 * 10 seeds (every group gets its own loss, kernel and spectrum figures).
 *
 * Two layouts (docs/run-folder.md): `parts` (the default: every table as a few part files sorted by
 * trial, what a sweep leaves once compacted; DuckDB writes them, up to 5 000 trials a part) and
 * `per-trial` (one file per trial and table, a sweep's folder before compaction);
 * `BENCH_REPORT_LAYOUT=per-trial` for the latter.
 *
 * `npm run bench -- report`; `BENCH_REPORT_SIZES=100,1000` for a subset, `BENCH_KEEP=1` keeps the folders
 * (in the OS temp folder) to look at. From 10 000 trials on, the `GROUP BY width` query of
 * bench/tables.ts runs on each folder too, against Python DuckDB and polars on the same files.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, quotedString, type DuckDBConnection } from '@duckdb/node-api';
import { aggregateRun } from '../src/aggregate/index.js';
import { writeReport } from '../src/report/index.js';
import { compareQueries, QUERIES } from './tables.js';

interface Shape {
  trials: number;
  groups: number;
  widths: number;
  seeds: number;
}

const SHAPES: Shape[] = [
  { trials: 100, groups: 1, widths: 10, seeds: 10 },
  { trials: 1_000, groups: 10, widths: 10, seeds: 10 },
  { trials: 10_000, groups: 10, widths: 10, seeds: 100 },
  { trials: 10_000, groups: 100, widths: 10, seeds: 10 },
  /** Only when asked for (`BENCH_REPORT_SIZES=100000`): minutes to generate. */
  { trials: 100_000, groups: 10, widths: 10, seeds: 1000 },
];
const N = 32;
const P = 64;
const LAYOUT = process.env.BENCH_REPORT_LAYOUT === 'per-trial' ? 'per-trial' : 'parts';
const PART_TRIALS = 5000;
const STEPS = 300;
const SNAPSHOTS = [0, 100, 300];

/** The trials of the shape as a DuckDB table `t` (columns of src/tables/rows.ts TrialRow). */
async function makeTrials(c: DuckDBConnection, s: Shape): Promise<void> {
  const widths = Array.from({ length: s.widths }, (_, i) => 32 * 2 ** (i / 1.5)).map((w) => Math.round(w));
  await c.run(`CREATE OR REPLACE TABLE t AS
    WITH grid AS (
      SELECT g, w, s, row_number() OVER (ORDER BY g, w, s) - 1 AS i
      FROM range(${s.groups}) r1(g), unnest([${widths.join(', ')}]) r2(w), range(${s.seeds}) r3(s))
    SELECT printf('%012x', i) AS trial_id, 'bench-0000abcd' AS sweep_id, printf('a%011x', g) AS analytic_id,
      '{}' AS params_json,
      CASE WHEN i % 97 = 13 THEN 'failed' WHEN i % 89 = 7 THEN 'diverged' ELSE 'ok' END AS status,
      CASE WHEN i % 97 = 13 THEN 'worker lost' END AS error,
      w::INTEGER AS width, (1 + g % 10)::INTEGER AS depth, (0.25 * (1 + g // 10))::DOUBLE AS lr, s::BIGINT AS seed,
      'relu' AS activation, 'ntk' AS parameterization, 1.4142::DOUBLE AS w_std, 0.1::DOUBLE AS b_std, 1::INTEGER AS outputs,
      'circle' AS dataset, ${N}::INTEGER AS n_train, ${N}::INTEGER AS n_test, 0::BIGINT AS data_seed, 'sin' AS target,
      ${STEPS}::INTEGER AS steps, 10::INTEGER AS log_every,
      CASE WHEN i % 89 = 7 THEN 50 END::INTEGER AS diverged_at_step,
      CASE WHEN i % 97 = 13 THEN 0 WHEN i % 89 = 7 THEN 50 ELSE ${STEPS} END::INTEGER AS steps_done,
      1::INTEGER AS attempts, 'wasm' AS backend, 'cpu (wasm simd, 1 thread)' AS device,
      TIMESTAMP '2026-01-01 00:00:00' AS started_at, 1.5::DOUBLE AS wall_s,
      2.0::DOUBLE AS eta_crit, (0.25 * (1 + g // 10) / 2.0)::DOUBLE AS lr_over_crit,
      0.01 / sqrt(w) AS final_train_loss, 0.02 AS final_test_loss, 1.0 / sqrt(w) AS final_kernel_rel_err,
      0.5 / sqrt(w) AS final_kernel_drift, 0.3 / sqrt(w) AS final_weight_change, 0.1 / sqrt(w) AS final_pred_gap_analytic,
      0.05 / sqrt(w) AS final_pred_gap_linear, 0.03 AS test_loss_initial_kernel, 0.025 AS test_loss_after_kernel,
      0.028 AS test_loss_analytic_kernel
    FROM grid`);
}

/** Noise in [−0.5, 0.5) from a hash (deterministic, different per trial and step). */
const noise = (...parts: string[]) => `((hash(${parts.join(', ')}) % 1000) / 1000.0 - 0.5)`;

async function writeTables(c: DuckDBConnection, dir: string): Promise<void> {
  const ok = "SELECT * FROM t WHERE status <> 'failed'";
  const tables: Record<string, string> = {
    trials: 'SELECT * FROM t',
    curves: `SELECT trial_id, step::INTEGER AS step,
        exp(-step / 100.0) * (1 + 0.2 * ${noise('trial_id', 'step')}) + 0.001 AS train_loss,
        exp(-step / 120.0) * (1 + 0.2 * ${noise('trial_id', 'step', "'t'")}) + 0.002 AS test_loss,
        exp(-step / 100.0) + 0.001 AS pred_train_loss_analytic, exp(-step / 120.0) + 0.002 AS pred_test_loss_analytic,
        exp(-step / 100.0) + 0.0011 AS pred_train_loss_linear, exp(-step / 120.0) + 0.0021 AS pred_test_loss_linear,
        step / ${STEPS}.0 * 0.3 / sqrt(width) AS weight_change,
        CASE WHEN step IN (${SNAPSHOTS.join(', ')}) THEN (1 + 0.3 * ${noise('trial_id', 'step', "'k'")}) / sqrt(width) END AS kernel_rel_err,
        CASE WHEN step IN (${SNAPSHOTS.join(', ')}) THEN step / ${STEPS}.0 * 0.5 / sqrt(width) END AS kernel_drift,
        CASE WHEN step IN (${SNAPSHOTS.join(', ')}) THEN 0.1 / sqrt(width) END AS pred_gap_analytic,
        CASE WHEN step IN (${SNAPSHOTS.join(', ')}) THEN 0.05 / sqrt(width) END AS pred_gap_linear,
        CASE WHEN step IN (${SNAPSHOTS.join(', ')}) THEN 0.2 / sqrt(width) END AS pred_gap_analytic_rel,
        CASE WHEN step IN (${SNAPSHOTS.join(', ')}) THEN 0.1 / sqrt(width) END AS pred_gap_linear_rel
      FROM (${ok}) t, range(0, ${STEPS + 1}, 10) r(step)`,
    kernels: `SELECT trial_id, step::INTEGER AS step, 'empirical' AS kind, split, r::INTEGER AS row,
        list_transform(range(len), j -> (CASE WHEN split = 'probe_x0' THEN 1 + cos(2 * pi() * j / ${P}) ELSE exp(-abs(j - r) / 4.0) END
          * (1 + ${noise('trial_id', 'step', 'j')} / sqrt(width)))::FLOAT) AS "values"
      FROM (${ok}) t, unnest([0, ${STEPS}]) s(step),
        (SELECT 'train' AS split, r, ${N} AS len FROM range(${N}) x(r) UNION ALL SELECT 'probe_x0', 0, ${P}) k`,
    spectra: `SELECT trial_id, step::INTEGER AS step, kind, rank::INTEGER AS rank,
        (${N} * 2.0 / (1 + rank) ^ 1.5) * (1 + CASE WHEN kind = 'empirical' THEN ${noise('trial_id', 'step', 'rank')} / sqrt(width) ELSE 0 END) AS eigenvalue
      FROM (${ok}) t, unnest([0, ${STEPS}]) s(step), unnest(['empirical', 'analytic_ntk']) k(kind), range(32) r(rank)
      WHERE kind = 'empirical' OR step = 0`,
  };
  if (LAYOUT === 'parts') {
    for (const [table, sql] of Object.entries(tables)) {
      const tdir = path.join(dir, table);
      mkdirSync(tdir, { recursive: true });
      // Parts of up to PART_TRIALS trials, rows sorted by trial (as src/tables/compact.ts writes them).
      const n = Number((await c.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
      for (let k = 0; k * PART_TRIALS < n; k++) {
        const file = path.join(tdir, `part-000001-${String(k).padStart(4, '0')}.parquet`);
        await c.run(
          `COPY (SELECT * FROM (${sql}) WHERE trial_id IN (SELECT trial_id FROM t ORDER BY trial_id LIMIT ${PART_TRIALS} OFFSET ${k * PART_TRIALS})
            ORDER BY trial_id) TO ${quotedString(file)} (FORMAT parquet, COMPRESSION zstd)`,
        );
      }
    }
  }
  for (const [table, sql] of LAYOUT === 'parts' ? [] : Object.entries(tables)) {
    const tdir = path.join(dir, table);
    // Sorted by trial: DuckDB keeps at most ~100 partition files open, and one reopened later is a second file.
    await c.run(
      `COPY (SELECT * FROM (${sql}) ORDER BY trial_id) TO ${quotedString(tdir)} (FORMAT parquet, PARTITION_BY (trial_id), WRITE_PARTITION_COLUMNS true, OVERWRITE true)`,
    );
    flatten(tdir, 'trial_id');
  }
  const adir = path.join(dir, 'analytic');
  await c.run(`COPY (SELECT * FROM (SELECT DISTINCT analytic_id, kind, split, r::INTEGER AS row,
        list_transform(range(len), j -> CASE WHEN split = 'probe_x0' THEN 1 + cos(2 * pi() * j / ${P}) ELSE exp(-abs(j - r) / 4.0) END) AS "values"
      FROM t, unnest(['analytic_ntk', 'analytic_nngp']) k(kind),
        (SELECT 'train' AS split, r, ${N} AS len FROM range(${N}) x(r) UNION ALL SELECT 'probe_x0', 0, ${P}) s) ORDER BY analytic_id)
    TO ${quotedString(adir)} (FORMAT parquet, PARTITION_BY (analytic_id), WRITE_PARTITION_COLUMNS true, OVERWRITE true)`);
  flatten(adir, 'analytic_id');
}

/** `table/key=ID/data_0.parquet` → `table/ID.parquet`, the run folder's flat layout. */
function flatten(dir: string, key: string): void {
  for (const sub of readdirSync(dir)) {
    const m = new RegExp(`^${key}=(.+)$`).exec(sub);
    if (!m) continue;
    const files = readdirSync(path.join(dir, sub));
    if (files.length !== 1) throw new Error(`${sub}: expected one file, found ${files.length}`);
    renameSync(path.join(dir, sub, files[0]), path.join(dir, `${m[1]}.parquet`));
    rmdirSync(path.join(dir, sub));
  }
}

const fmt = (s: number) => s.toFixed(2).padStart(7);

export async function run(): Promise<void> {
  const wanted = process.env.BENCH_REPORT_SIZES?.split(',').map(Number);
  const shapes = SHAPES.filter((s) => (wanted ? wanted.includes(s.trials) : s.trials < 100_000));
  console.log(`layout: ${LAYOUT}`);
  console.log(
    'trials  groups×widths×seeds  files   aggregate_s  report_query_s  report_render_s  report_total_s  figures  agg+report_s',
  );
  for (const s of shapes) {
    const dir = path.join(tmpdir(), `ntk-bench-report-${s.trials}-${s.groups}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    // One thread: a partitioned COPY on several threads may split a trial into several files.
    await c.run('SET threads = 1');
    await makeTrials(c, s);
    await writeTables(c, dir);
    c.closeSync();
    instance.closeSync();
    const files = ['trials', 'curves', 'kernels', 'spectra', 'analytic'].reduce(
      (n, t) => n + readdirSync(path.join(dir, t)).length,
      0,
    );

    const t0 = performance.now();
    await aggregateRun(dir);
    const aggregate = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const r = await writeReport(dir);
    const total = (performance.now() - t1) / 1000;
    console.log(
      `${String(s.trials).padStart(6)}  ${`${s.groups}×${s.widths}×${s.seeds}`.padEnd(19)}  ${String(files).padStart(6)}  ${fmt(aggregate)}      ${fmt(r.timings.query_s)}         ${fmt(r.timings.render_s)}          ${fmt(total)}   ${String(r.figures.length).padStart(6)}   ${fmt(aggregate + total)}`,
    );
    // The width query of bench/tables.ts on these files, against Python DuckDB and polars.
    if (s.trials >= 10_000)
      await compareQueries(
        dir,
        s.trials,
        QUERIES.filter((q) => q.name === 'kernel_err_by_width'),
      );
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
