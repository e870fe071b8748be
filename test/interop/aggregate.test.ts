/**
 * The aggregation's summary and fits (written with DuckDB from TypeScript) against an independent
 * computation in Python (test/interop/aggregate_check.py: pandas group-bys over the raw Parquet
 * files, scipy's t quantile, numpy's polyfit) on the same run folder: two group axes, nulls in
 * some metrics, a failed and a diverged trial, random values.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { aggregateRun } from '../../src/aggregate/index.js';
import { fitsSchema, summarySchema } from '../../src/aggregate/schemas.js';
import { GROUP_CANDIDATES, groupFields } from '../../src/aggregate/group-axes.js';
import type { TrialStatus } from '../../src/tables/rows.js';
import { unfittedMetrics } from '../../src/metrics/catalogue.js';
import { runPython } from '../helpers/python.js';
import { removeTempFolders, writeStudy, type StudyPoint } from '../helpers/width-study.js';

after(removeTempFolders);

interface Check {
  axes: string[];
  summary_rows: number;
  python_rows: number;
  unmatched: number;
  diffs: Record<string, [number, number]>;
  fits_checked: number;
  fit_diffs: Record<string, number>;
  reasons_ok: boolean;
  fit_keys_equal: boolean;
  fit_keys: [number, number];
}

test('summary and fits equal a pandas/numpy/scipy computation on the same files', async () => {
  const status = (p: StudyPoint): TrialStatus =>
    p.width === 64 && p.seed === 3 && p.depth === 1
      ? 'failed'
      : p.width === 256 && p.seed === 0 && p.lr === 1
        ? 'diverged'
        : 'ok';
  const run = await writeStudy({
    widths: [64, 256, 1024],
    seeds: [0, 1, 2, 3],
    depths: [1, 2],
    lrs: [0.5, 1],
    steps: 30,
    logEvery: 5,
    snapshots: [0, 15, 30],
    status,
    curves: (p, step, snap) => ({
      kernel_rel_err: snap ? p.width ** -0.5 * (1 + step / 30 + 0.3 * Math.sin(p.seed + step)) : null,
    }),
  });
  const result = await aggregateRun(run);
  assert.deepEqual(result.groupAxes, ['depth', 'lr']);
  const c = runPython<Check>('test/interop/aggregate_check.py', {
    run,
    unfitted: unfittedMetrics(),
    candidates: GROUP_CANDIDATES,
  });
  assert.deepEqual(c.axes, ['depth', 'lr']);
  assert.equal(c.unmatched, 0, 'every row of either side has its counterpart');
  assert.equal(c.summary_rows, c.python_rows);
  assert.equal(c.summary_rows, result.summaryRows);
  for (const [column, [diff, nanMismatch]] of Object.entries(c.diffs)) {
    assert.equal(nanMismatch, 0, `${column}: null in one and not the other`);
    // scipy 1.12's t.ppf is itself off by ~1e-11 (df = 1: 12.706204736432 against tan(0.475π) = 12.706204736175,
    // which stdlib matches), so the CI columns get a looser bound than the means.
    const bound = column.startsWith('ci_') ? 1e-9 : 1e-12;
    assert.ok(diff < bound, `${column}: relative difference ${diff}`);
  }
  assert.ok(c.fits_checked > 100, `fits checked: ${c.fits_checked}`);
  for (const [column, diff] of Object.entries(c.fit_diffs)) assert.ok(diff < 1e-10, `${column}: ${diff}`);
  assert.ok(c.reasons_ok, 'rows without a slope say why, rows with one have an ordered CI');
  assert.ok(c.fit_keys_equal, `fit keys ${c.fit_keys}`);
});

interface ReaderTypes {
  pyarrow: [string, string, boolean][];
  pandas: Record<string, string>;
  pandas_nullable: Record<string, string>;
  polars: Record<string, string>;
  duckdb: Record<string, string>;
}

/** pyarrow's name for the Arrow types the aggregation's schemas use. */
const PYARROW_TYPE: Record<string, string> = { Int32: 'int32', Int64: 'int64', Float64: 'double', Utf8: 'string' };

test('summary and fits keep their documented types and nullability in pyarrow, pandas, polars and DuckDB', async () => {
  const run = await writeStudy({
    widths: [64, 256],
    seeds: [0, 1],
    depths: [1, 2],
    steps: 10,
    logEvery: 5,
    snapshots: [0, 10],
    curves: (p, step, snap) => ({ kernel_rel_err: snap ? p.width ** -0.5 * (1 + step / 10) : null }),
  });
  const result = await aggregateRun(run);
  const axes = result.groupAxes.map((name) => ({ name, arrow: new arrow.Int32() }));
  assert.deepEqual(result.groupAxes, ['depth']);
  const types = runPython<Record<'summary' | 'fits', ReaderTypes>>('test/interop/aggregate_types.py', { run });
  const schemas = { summary: summarySchema(groupFields(axes)), fits: fitsSchema(groupFields(axes)) };
  for (const table of ['summary', 'fits'] as const) {
    const want = schemas[table].fields.map((f) => [f.name, PYARROW_TYPE[String(f.type)], f.nullable]);
    assert.deepEqual(types[table].pyarrow, want, `${table}: pyarrow sees the documented schema`);
    // pandas' default turns an int column with nulls into float64; numpy_nullable keeps Int32.
    assert.equal(types[table].pandas.step, 'float64');
    assert.equal(types[table].pandas_nullable.step, 'Int32');
    assert.equal(types[table].pandas.n, 'int32');
    assert.equal(types[table].polars.step, 'Int32');
    assert.equal(types[table].duckdb.step, 'INTEGER');
  }
  assert.equal(types.summary.pandas.width, 'int32');
  assert.equal(types.summary.polars.mean, 'Float64');
});
