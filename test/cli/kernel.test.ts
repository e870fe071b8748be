/**
 * `ntk-sweep kernel` end to end, spawning the real CLI: the Parquet file read back with
 * parquet-wasm + apache-arrow has the documented column types, and its analytic rows equal the
 * analytic kernels computed directly (to float32 rounding), its empirical step-0 rows the empirical
 * NTK computed directly; --format json prints the same kernels in float64; diverged training still
 * writes the step-0 rows and says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { loadConfig, resolveTrial } from '../../src/config/loader.js';
import { makeDataset } from '../../src/data/make-dataset.js';
import { parquetToKernelTable } from '../../src/tables/kernel-table.js';
import { relFrobenius, type Mat } from '../../src/linalg/mat.js';
import { initParams } from '../../src/model/params.js';
import { analyticKernels } from '../../src/ntk/analytic.js';
import { empiricalNtk } from '../../src/ntk/empirical.js';
import { criticalLearningRate } from '../../src/predict/critical-lr.js';
import { specOf } from '../../src/model/spec.js';
import { selectBackend } from '../../src/backend/select.js';
import { listing, outDir, runCli } from './run-cli.js';

const CONFIG = 'test/fixtures/cli/tiny.yaml';

/** The fixture's data and the spec at the given width and seed, computed here without the CLI. */
function direct(width: number, seed: number) {
  const loaded = loadConfig(CONFIG);
  const config = resolveTrial(loaded, [
    { path: 'model.width', value: width },
    { path: 'seed', value: seed },
  ]);
  const data = makeDataset(config.dataset, config.model.outputs, loaded.dir);
  const spec = specOf(config, data.xTrain.cols);
  return { config, data, spec, analytic: analyticKernels(spec, data.xTrain) };
}

/** Rows of one (kind, step) of the table as a matrix. */
function rowsOf(table: arrow.Table, kind: string, step: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const r = table.get(i)!;
    if (r.kind === kind && r.step === step) {
      assert.equal(r.row, out.length, 'rows are numbered 0, 1, … in order');
      out.push((r.values as arrow.Vector).toArray() as Float32Array);
    }
  }
  return out;
}

function asMat(rows: ArrayLike<number>[]): Mat {
  const n = rows.length;
  const data = new Float64Array(n * n);
  rows.forEach((r, i) => data.set(Array.from(r), i * n));
  return { rows: n, cols: n, data };
}

test('kernel --out writes Parquet: typed columns, analytic rows equal to the analytic kernels, empirical at 0 and T', async () => {
  const dir = outDir();
  const out = path.join(dir, 'k.parquet');
  const r = runCli(['kernel', CONFIG, '--width', '128', '--steps', '10', '--backend', 'wasm', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /note: grid axis 'seed' has 2 values; using the first, 0 \(choose another with --seed\)/);
  assert.doesNotMatch(r.stderr, /grid axis 'width'/); // set by --width
  assert.deepEqual(listing(dir), ['k.parquet']); // renamed into place, no temporary file left

  const table = parquetToKernelTable(readFileSync(out));
  const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, f.type]));
  assert.deepEqual(Object.keys(types), ['kind', 'step', 'row', 'values']);
  assert.ok(arrow.DataType.isUtf8(types.kind));
  assert.ok(arrow.DataType.isInt(types.step) && types.step.bitWidth === 32 && types.step.isSigned);
  assert.ok(arrow.DataType.isInt(types.row) && types.row.bitWidth === 32);
  assert.ok(arrow.DataType.isList(types.values));
  const item = (types.values as arrow.List).children[0].type;
  assert.ok(arrow.DataType.isFloat(item) && item.precision === arrow.Precision.SINGLE);

  const N = 16;
  assert.equal(table.numRows, 4 * N);
  const { data, spec, analytic } = direct(128, 0);
  for (const [kind, want] of [
    ['analytic_ntk', analytic.ntk],
    ['analytic_nngp', analytic.nngp],
  ] as const) {
    const rows = rowsOf(table, kind, 0);
    assert.equal(rows.length, N);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) assert.equal(rows[i][j], Math.fround(want.data[i * N + j]), `${kind}[${i}, ${j}]`);
    }
  }

  await selectBackend('wasm');
  const emp0 = await empiricalNtk(initParams(spec, 0), data.xTrain);
  const got0 = asMat(rowsOf(table, 'empirical', 0));
  assert.ok(
    relFrobenius(got0, emp0) < 1e-6,
    `empirical step 0 differs from the direct computation by ${relFrobenius(got0, emp0)}`,
  );
  const got10 = asMat(rowsOf(table, 'empirical', 10));
  assert.equal(got10.rows, N);
  const drift = relFrobenius(got10, got0);
  assert.ok(drift > 1e-6 && drift < 0.5, `kernel drift after 10 steps ${drift}`);
  assert.ok(got10.data.every(Number.isFinite));
  assert.equal(JSON.parse(table.schema.metadata.get('ntk_sweep.training')!).status, 'ok');
});

test('kernel --format json prints the kernels in float64 and η_crit; no file is written', () => {
  const dir = outDir();
  const r = runCli(
    ['kernel', CONFIG, '--width', '64', '--seed', '1', '--backend', 'wasm', '--format', 'json'],
    120_000,
  );
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(listing(dir), []);
  assert.equal(doc.params.width, 64);
  assert.equal(doc.params.seed, 1);
  assert.equal(doc.params.depth, 2);
  assert.equal(doc.training, null);
  assert.equal(doc.backend, 'wasm');
  const { analytic } = direct(64, 1);
  assert.ok(Math.abs(doc.eta_crit - criticalLearningRate(analytic.ntk)) < 1e-12 * doc.eta_crit);
  const N = 16;
  assert.equal(doc.rows.length, 3 * N);
  assert.deepEqual(
    [...new Set(doc.rows.map((x: { kind: string; step: number }) => `${x.kind}@${x.step}`))],
    ['analytic_ntk@0', 'analytic_nngp@0', 'empirical@0'],
  );
  const ntkRows = doc.rows.filter((x: { kind: string }) => x.kind === 'analytic_ntk');
  for (let i = 0; i < N; i++) {
    assert.equal(ntkRows[i].row, i);
    for (let j = 0; j < N; j++)
      assert.ok(
        Math.abs(ntkRows[i].values[j] - analytic.ntk.data[i * N + j]) <=
          1e-12 * Math.abs(analytic.ntk.data[i * N + j]) + 1e-15,
      );
  }
});

test('training above η_crit diverges: a warning with the step, exit 0, the step-0 rows only', () => {
  const dir = outDir();
  const out = path.join(dir, 'd.parquet');
  const r = runCli([
    'kernel',
    CONFIG,
    '--width',
    '64',
    '--lr',
    '1000',
    '--steps',
    '20',
    '--backend',
    'wasm',
    '--out',
    out,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: lr = 1000 is above the critical learning rate η_crit = 2N\/λ_max\(Θ∞\) = [\d.]+/);
  assert.match(
    r.stderr,
    /warning: training diverged at step \d+ of 20 \(status diverged\); writing the step-0 kernels only/,
  );
  const table = parquetToKernelTable(readFileSync(out));
  assert.equal(table.numRows, 3 * 16);
  assert.deepEqual([...new Set(table.getChild('step')!.toArray())], [0]);
  const training = JSON.parse(table.schema.metadata.get('ntk_sweep.training')!);
  assert.equal(training.status, 'diverged');
  assert.ok(training.diverged_at_step > 0 && training.diverged_at_step <= 20);
});
