/**
 * `ntk-sweep query` on a run folder made by really running a tiny width study (each trial trained
 * and written by the trial runner, manifest.json as `ntk-sweep run` writes it, then aggregated):
 * every table of the folder is a view, and what the query prints equals what the Parquet files
 * hold, read back with the table reader (src/tables/read.ts) — trials, float32 kernel rows, and
 * the summary's means against means computed here from the curves.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readTable } from '../../src/tables/read.js';
import { runCli } from './run-cli.js';
import { removeTempFolders, tempFolder } from '../helpers/width-study.js';
import { makeRunFolder, tinyConfig } from '../report/run-folder.js';

after(removeTempFolders);

const run = tempFolder('ntk-query-real-');
await makeRunFolder(run, tinyConfig({ name: 'query-real', widths: [16, 64, 256], seeds: [0, 1] }), {
  via: 'in-process',
});

const json = <T>(sql: string): T[] => {
  const r = runCli(['query', run, sql, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T[];
};

test('every table of a real run folder, the aggregation’s included, is a view', () => {
  const views = json<{ view_name: string }>('SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1').map(
    (v) => v.view_name,
  );
  assert.deepEqual(views, [
    'analytic',
    'curves',
    'fits',
    'kernels',
    'modes',
    'predictions',
    'spectra',
    'summary',
    'trials',
  ]);
});

test('trials and kernel rows come out as the files hold them', async () => {
  const trials = await readTable(run, 'trials');
  const want = new Map<string, number>();
  for (let i = 0; i < trials.numRows; i++)
    want.set(String(trials.getChild('trial_id')!.get(i)), trials.getChild('final_kernel_rel_err')!.get(i) as number);
  const got = json<{ trial_id: string; width: number; final_kernel_rel_err: number }>(
    'SELECT trial_id, width, final_kernel_rel_err FROM trials',
  );
  assert.equal(got.length, 6);
  for (const g of got) assert.equal(g.final_kernel_rel_err, want.get(g.trial_id));

  const kernels = await readTable(run, 'kernels');
  const i = kernels.numRows - 1;
  const [id, step, split, row] = ['trial_id', 'step', 'split', 'row'].map((c) => kernels.getChild(c)!.get(i));
  const values = (kernels.getChild('values')!.get(i) as { toArray(): Float32Array }).toArray();
  const q = json<{ values: number[] }>(
    `SELECT "values" FROM kernels WHERE trial_id = '${id}' AND step = ${step} AND split = '${split}' AND "row" = ${row}`,
  );
  assert.equal(q.length, 1);
  assert.deepEqual(Float32Array.from(q[0].values), values);
});

test('the summary’s mean kernel error at step 0 is the mean over seeds of the curves', async () => {
  const curves = await readTable(run, 'curves');
  const trials = await readTable(run, 'trials');
  const widthOf = new Map<string, number>();
  for (let i = 0; i < trials.numRows; i++)
    widthOf.set(String(trials.getChild('trial_id')!.get(i)), trials.getChild('width')!.get(i) as number);
  const sums = new Map<number, number[]>();
  for (let i = 0; i < curves.numRows; i++) {
    if (curves.getChild('step')!.get(i) !== 0) continue;
    const w = widthOf.get(String(curves.getChild('trial_id')!.get(i)))!;
    sums.set(w, [...(sums.get(w) ?? []), curves.getChild('kernel_rel_err')!.get(i) as number]);
  }
  const rows = json<{ width: number; n: number; mean: number }>(
    "SELECT width, n, mean FROM summary WHERE source = 'curves' AND metric = 'kernel_rel_err' AND step = 0 ORDER BY width",
  );
  assert.deepEqual(
    rows.map((r) => [r.width, r.n]),
    [
      [16, 2],
      [64, 2],
      [256, 2],
    ],
  );
  for (const r of rows) {
    const xs = sums.get(r.width)!;
    assert.ok(Math.abs(r.mean - xs.reduce((a, b) => a + b, 0) / xs.length) < 1e-15);
  }
  const fit = json<{ slope: number; reason: string | null }>(
    "SELECT slope, reason FROM fits WHERE metric = 'kernel_rel_err' AND step = 0",
  );
  assert.equal(fit.length, 1);
  assert.equal(fit[0].reason, null);
  assert.ok(fit[0].slope < 0, `the kernel's error falls with width (slope ${fit[0].slope})`);
});
