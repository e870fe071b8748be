/**
 * Interop: the run folder's tables read unchanged by pyarrow, pandas
 * (`pd.read_parquet(dir)`), polars (`pl.scan_parquet(glob)`) and DuckDB (`read_parquet(glob,
 * hive_partitioning = true)`) in the project venv — column names and types (kernel rows as
 * list<float32>), row counts, and every value equal to what TypeScript wrote
 * (test/interop/tables_readers.py does the reading and the comparing).
 *
 * Two run folders: one made by the real `ntk-sweep trial` command for three trials of
 * test/fixtures/tables/tiny-sweep.yaml (expected values: what TypeScript reads back, which
 * test/unit/tables/tables.test.ts shows is what it wrote), and a synthetic one whose rows are known
 * exactly and cover what real runs rarely produce at once (a failed trial, a diverged one with a
 * NaN loss, different dictionary values per file, a trial without analytic rows).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/loader.js';
import {
  TABLE_NAMES,
  completeTrialIds,
  readTable,
  tableToRows,
  trialStates,
  writeFailedTrial,
  writeTrialTables,
  type TrialTables,
} from '../../src/tables/index.js';
import { runCli } from '../cli/run-cli.js';
import { storedRows, writeExpected, type RowsByTable } from '../helpers/expected-tables.js';
import { runPython } from '../helpers/python.js';
import { syntheticTrialTables } from '../helpers/synthetic-trial.js';

interface ReadersResult {
  ok: boolean;
  counts: Record<string, Record<string, number>>;
  types: Record<string, Record<string, string>>;
}

/** Runs the Python readers over `run` against `rows`; checks every reader saw every row. */
function checkReaders(run: string, rows: RowsByTable): ReadersResult {
  const expected = path.join(path.dirname(run), 'expected.json');
  writeExpected(expected, rows);
  const res = runPython<ReadersResult>('test/interop/tables_readers.py', { run_dir: run, expected });
  assert.equal(res.ok, true);
  for (const table of TABLE_NAMES) {
    const n = rows[table].length;
    assert.ok(n > 0, `${table} has rows`);
    assert.deepStrictEqual(res.counts[table], { pyarrow: n, pandas: n, polars: n, duckdb: n }, table);
  }
  assert.equal(res.types.kernels.values, 'list<item: float>');
  assert.equal(res.types.analytic.values, 'list<item: double>');
  assert.equal(res.types.trials.seed, 'int64');
  assert.equal(res.types.trials.started_at, 'timestamp[ms, tz=UTC]');
  assert.equal(res.types.trials.activation, 'dictionary<values=string, indices=int32, ordered=0>');
  return res;
}

test('pyarrow, pandas, polars and DuckDB read a run folder made by `ntk-sweep trial` as TypeScript wrote it', async () => {
  const fixture = 'test/fixtures/tables/tiny-sweep.yaml';
  const run = path.join(mkdtempSync(path.join(tmpdir(), 'ntk-interop-trial-')), 'run');
  const config = loadConfig(fixture).config;
  // Two grid points by id, one by parameters (a seed the grid does not have).
  const listed = runCli(['validate', fixture, '--format', 'json']);
  assert.equal(listed.status, 0, listed.stderr);
  const points = (JSON.parse(listed.stdout) as { trials: { trial_id: string }[] }).trials;
  assert.equal(points.length, 2);
  const ids: string[] = [];
  for (const args of [
    ['--trial', points[0].trial_id],
    ['--trial', points[1].trial_id],
    ['--width', '64', '--seed', '7'],
  ]) {
    const r = runCli(['trial', fixture, ...args, '--run-dir', run, '--backend', 'wasm'], 300_000);
    assert.equal(r.status, 0, r.stderr);
    const id = /trial ([0-9a-f]{12})/.exec(r.stdout)?.[1];
    assert.ok(id, r.stdout);
    ids.push(id);
  }
  assert.equal(new Set(ids).size, 3);
  assert.deepStrictEqual(await completeTrialIds(run), new Set(ids));
  assert.deepStrictEqual([...(await trialStates(run)).values()], ['complete', 'complete', 'complete']);

  const rows = Object.fromEntries(
    await Promise.all(TABLE_NAMES.map(async (t) => [t, tableToRows(t, await readTable(run, t))])),
  ) as RowsByTable;
  // What the config asks for, per trial: logged steps 0, 5, …, 20; kernels at each snapshot for
  // every split (train, test, probe: one row per point; probe_x0: one row).
  const { n_train: n, n_test: m } = rows.trials[0];
  const probe = config.ntk.probe?.n ?? 0;
  const logged = config.train.steps / config.train.logEvery + 1;
  assert.equal(rows.trials.length, 3);
  assert.equal(rows.curves.length, 3 * logged);
  assert.equal(rows.kernels.length, 3 * config.ntk.snapshots.length * (n + m + probe + 1));
  for (const k of rows.kernels)
    assert.equal(k.values.length, k.split === 'probe_x0' ? probe : n, `${k.split} row length`);
  // Both widths share the analytic kernels of their config (the seed-7 trial too: same data, model).
  assert.equal(new Set(rows.trials.map((t) => t.analytic_id)).size, 1);
  assert.deepStrictEqual(rows.trials.map((t) => t.width).sort(), [32, 64, 64]);

  checkReaders(run, rows);
});

test('pyarrow, pandas, polars and DuckDB read every table of a synthetic run exactly as written', async () => {
  const run = path.join(mkdtempSync(path.join(tmpdir(), 'ntk-interop-tables-')), 'run');
  const a = syntheticTrialTables({ trialId: 'interop00001', seed: 1, analyticId: 'an-relu' });
  const b0 = syntheticTrialTables({ trialId: 'interop00002', seed: 2, status: 'diverged', analyticId: 'an-erf' });
  const b: TrialTables = {
    ...b0,
    trials: { ...b0.trials, activation: 'erf', target: 'teacher', backend: 'cpu', dataset: 'sphere' },
  };
  const c = syntheticTrialTables({ trialId: 'interop00003', seed: 3, status: 'failed' });
  const d0 = syntheticTrialTables({ trialId: 'interop00004', seed: 4, analyticId: null });
  const d: TrialTables = {
    ...d0,
    trials: { ...d0.trials, activation: 'gelu', parameterization: 'standard', seed: 0, started_at: new Date(0) },
  };
  await writeTrialTables(run, a);
  await writeTrialTables(run, b);
  await writeFailedTrial(run, c.trials);
  await writeTrialTables(run, d);
  await writeTrialTables(run, a); // written twice: still one copy for every reader

  const ok = [a, b, d];
  checkReaders(run, {
    trials: [a, b, c, d].map((t) => t.trials),
    curves: ok.flatMap((t) => storedRows(t, 'curves')),
    kernels: ok.flatMap((t) => storedRows(t, 'kernels')),
    predictions: ok.flatMap((t) => storedRows(t, 'predictions')),
    spectra: ok.flatMap((t) => storedRows(t, 'spectra')),
    modes: ok.flatMap((t) => storedRows(t, 'modes')),
    analytic: ok.flatMap((t) => t.analytic),
  });
});
