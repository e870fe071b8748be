/**
 * `ntk-sweep query RUN_DIR "SQL"` as a user runs it (the real executable, a child process) on a run
 * folder written by the real table writer: every table is a view by name; the table, CSV, JSON and
 * Parquet outputs hold the values the files hold; bad SQL, absent tables and bad paths give one
 * clear message and exit 2 without a stack trace; nothing half-written is left behind.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { parse } from 'csv-parse/sync';
import { readParquet } from 'parquet-wasm';
import { listing, runCli } from './run-cli.js';
import {
  removeTempFolders,
  studyPoints,
  studyTrialTables,
  tempFolder,
  writeStudy,
  type StudyOptions,
} from '../helpers/width-study.js';

after(removeTempFolders);

const study: StudyOptions = {
  widths: [64, 256],
  seeds: [0, 1, 2],
  depths: [1, 2],
  steps: 20,
  logEvery: 5,
  snapshots: [0, 20],
  finals: (p) => ({ final_kernel_rel_err: p.width ** -0.5 * (1 + 0.1 * p.seed) }),
};
const run = await writeStudy(study);
const tables = studyPoints(study).map((p) => studyTrialTables(p, study));

/** Mean final_kernel_rel_err per width, computed here from the rows that were written. */
const expectedMeans = new Map<number, number>();
for (const w of study.widths) {
  const xs = tables.filter((t) => t.trials.width === w).map((t) => t.trials.final_kernel_rel_err!);
  expectedMeans.set(w, xs.reduce((a, b) => a + b, 0) / xs.length);
}
const MEANS_SQL =
  'SELECT width, count(*) AS n, avg(final_kernel_rel_err) AS mean_err FROM trials GROUP BY width ORDER BY width';

test('every table of the run folder is a view by its name, with all its rows', () => {
  const r = runCli([
    'query',
    run,
    'SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1',
    '--format',
    'json',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    (JSON.parse(r.stdout) as { view_name: string }[]).map((x) => x.view_name),
    ['analytic', 'curves', 'kernels', 'modes', 'predictions', 'spectra', 'trials'],
  );
  const counts = runCli([
    'query',
    run,
    `SELECT (SELECT count(*) FROM trials) AS trials, (SELECT count(*) FROM curves) AS curves, (SELECT count(*) FROM kernels) AS kernels,
       (SELECT count(*) FROM predictions) AS predictions, (SELECT count(*) FROM spectra) AS spectra, (SELECT count(*) FROM modes) AS modes,
       (SELECT count(*) FROM analytic) AS analytic`,
    '--format',
    'json',
  ]);
  assert.equal(counts.status, 0, counts.stderr);
  const got = JSON.parse(counts.stdout)[0] as Record<string, number>;
  const sum = (k: 'curves' | 'kernels' | 'predictions' | 'spectra' | 'modes') =>
    tables.reduce((n, t) => n + t[k].length, 0);
  const analyticRows = new Map(tables.map((t) => [t.trials.analytic_id, t.analytic.length]));
  assert.deepEqual(got, {
    trials: tables.length,
    curves: sum('curves'),
    kernels: sum('kernels'),
    predictions: sum('predictions'),
    spectra: sum('spectra'),
    modes: sum('modes'),
    analytic: [...analyticRows.values()].reduce((a, b) => a + b, 0),
  });
});

test('the default output is an aligned table: header, rule, right-aligned numbers, row count', () => {
  const r = runCli(['query', run, MEANS_SQL]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^width \| n \| +mean_err$/);
  assert.match(lines[1], /^-+-\+-+-\+-+$/);
  assert.equal(lines.at(-1), '(2 rows)');
  const rows = lines.slice(2, -1).map((l) => l.split(' | ').map((c) => c.trim()));
  assert.deepEqual(
    rows.map((c) => [Number(c[0]), Number(c[1])]),
    [
      [64, 6],
      [256, 6],
    ],
  );
  for (const c of rows) assert.ok(Math.abs(Number(c[2]) - expectedMeans.get(Number(c[0]))!) < 1e-15);
  // Columns line up: every line has its separators at the same offsets.
  const bars = (l: string) => [...l.matchAll(/\|/g)].map((m) => m.index);
  for (const l of [lines[0], ...lines.slice(2, -1)]) assert.deepEqual(bars(l), bars(lines[0]));
  assert.ok(lines[2].startsWith('   64 |'), 'numbers are right-aligned');
});

test('--format csv and json print the same rows', () => {
  const csv = runCli(['query', run, MEANS_SQL, '--format', 'csv']);
  assert.equal(csv.status, 0, csv.stderr);
  const records = parse(csv.stdout, { columns: true }) as Record<string, string>[];
  assert.deepEqual(
    records.map((r) => Object.keys(r)),
    [
      ['width', 'n', 'mean_err'],
      ['width', 'n', 'mean_err'],
    ],
  );
  const json = runCli(['query', run, `${MEANS_SQL};  `, '--format', 'json']);
  assert.equal(json.status, 0, json.stderr);
  const objects = JSON.parse(json.stdout) as { width: number; n: number; mean_err: number }[];
  assert.equal(objects.length, 2);
  objects.forEach((o, i) => {
    assert.equal(o.width, Number(records[i].width));
    assert.equal(o.n, 6);
    assert.ok(Math.abs(o.mean_err - expectedMeans.get(o.width)!) < 1e-15);
    assert.ok(Math.abs(Number(records[i].mean_err) - o.mean_err) < 1e-15);
  });
});

test('kernel rows come out as lists of float32 values, whole in JSON, cut in the table', () => {
  const t = tables[0];
  const sql = `SELECT values FROM kernels WHERE trial_id = '${t.trials.trial_id}' AND step = 0 AND split = 'train' AND "row" = 1`;
  const json = runCli(['query', run, sql, '--format', 'json']);
  assert.equal(json.status, 0, json.stderr);
  const values = (JSON.parse(json.stdout) as { values: number[] }[])[0].values;
  const want = t.kernels.find((k) => k.step === 0 && k.split === 'train' && k.row === 1)!.values;
  assert.deepEqual(Float32Array.from(values), want);
  const table = runCli(['query', run, sql]);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout.split('\n')[2], /^\[.*…$/u);
});

test('--format parquet --out writes a Parquet file atomically; without --out it is refused', () => {
  const dir = tempFolder('ntk-q-out-');
  const file = path.join(dir, 'means.parquet');
  const r = runCli(['query', run, MEANS_SQL, '--format', 'parquet', '--out', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.deepEqual(listing(dir), ['means.parquet']);
  const table = arrow.tableFromIPC(readParquet(readFileSync(file)).intoIPCStream());
  assert.equal(table.numRows, 2);
  assert.deepEqual(table.getChild('width')!.toArray(), Int32Array.from([64, 256]));
  const means = table.getChild('mean_err')!.toArray() as Float64Array;
  assert.ok(Math.abs(means[1] - expectedMeans.get(256)!) < 1e-15);

  const missing = runCli(['query', run, MEANS_SQL, '--format', 'parquet']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--format parquet needs --out/);
  const bad = runCli([
    'query',
    run,
    'SELECT nope FROM trials',
    '--format',
    'parquet',
    '--out',
    path.join(dir, 'bad.parquet'),
  ]);
  assert.equal(bad.status, 2);
  assert.deepEqual(listing(dir), ['means.parquet'], 'a failed query leaves nothing behind');
});

test('SQL errors print DuckDB’s message and exit 2, without a stack trace', () => {
  for (const [sql, pattern] of [
    ['SELEC 1', /Parser Error: syntax error at or near "SELEC"/],
    ['SELECT no_such_column FROM trials', /Binder Error: .*no_such_column/],
    ['SELECT 1; SELECT 2', /expected one SQL statement, found 2/],
    ['CREATE TABLE x AS SELECT 1', /a CREATE statement is refused/],
  ] as const) {
    const r = runCli(['query', run, sql, ...(sql.startsWith('CREATE') ? ['--format', 'csv'] : [])]);
    assert.equal(r.status, 2, `${sql}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
    assert.equal(r.stdout, '');
  }
});

test('a table the run folder lacks is named in the error, with the tables it has', () => {
  const r = runCli(['query', run, 'SELECT * FROM fits']);
  assert.equal(r.status, 2);
  assert.match(
    r.stderr,
    /table 'fits' is not in .*; it has trials, curves, kernels, predictions, spectra, modes, analytic/,
  );
});

test('a missing run folder is an error, exit 2', () => {
  const r = runCli(['query', path.join(run, 'nope'), 'SELECT 1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no such run folder/);
});

test('paths with glob characters and key=value folders are read as they are', () => {
  const parent = tempFolder('ntk-q-');
  const odd = path.join(parent, 'lr=0.5', 'run [a]*');
  mkdirSync(path.dirname(odd), { recursive: true });
  cpSync(run, odd, { recursive: true });
  const r = runCli(['query', odd, 'SELECT * FROM trials LIMIT 1', '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const row = (JSON.parse(r.stdout) as Record<string, unknown>[])[0];
  assert.equal(row.lr, 0.5);
  // No column made up from the `lr=0.5` folder of the path (hive partitioning is only for partitioned tables).
  assert.deepEqual(Object.keys(row).sort(), Object.keys(tables[0].trials).sort());
  const n = runCli(['query', odd, 'SELECT count(*) AS n FROM curves', '--format', 'csv']);
  assert.equal(n.stdout, `n\n${tables.reduce((k, t) => k + t.curves.length, 0)}\n`);
});
