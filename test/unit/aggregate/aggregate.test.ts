/**
 * The aggregation (src/aggregate/) on synthetic run folders whose answers are known in closed
 * form: metrics c·width^p·(1 + 0.2·ε_seed) with Σε = 0 over the seeds of every width give per-width
 * means c·width^p, so the fitted slope is exactly p and R² = 1; a loss 1 + 0.1·seed gives known
 * means, standard deviations and t-based CIs. Failed and diverged trials (with absurd values) are
 * counted and must not move any mean; a single width gives fits without a slope, saying why.
 * The bootstrap's coverage is checked on simulated data with a known slope.
 */
import { PARAMETER_COLUMNS } from '../../../src/config/parameters.js';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import {
  aggregateRun,
  bootstrapSlopeCI,
  fitLine,
  fitsSchema,
  makeResamplePlan,
  readFits,
  readSummary,
  summarySchema,
  trialAxisSql,
  type FitRow,
} from '../../../src/aggregate/index.js';
import { openRun } from '../../../src/query/run-views.js';
import { RunFolderError } from '../../../src/errors.js';
import type { TrialStatus } from '../../../src/tables/rows.js';
import { makeRng } from '../../../src/rng.js';
import {
  removeTempFolders,
  tempFolder,
  writeStudy,
  type StudyOptions,
  type StudyPoint,
} from '../../helpers/width-study.js';

after(removeTempFolders);

const EPS = [-1, -0.5, 0, 0.5, 1]; // Σ = 0: the mean over seeds of (1 + 0.2·ε) is exactly 1
const SEEDS = [0, 1, 2, 3, 4];
const WIDTHS = [64, 256, 1024];
/** t(0.975, 4) from a table of Student's t distribution. */
const T_975_4 = 2.7764451051977987;
const exponent = (depth: number): number => (depth === 1 ? -0.5 : -1);
const noise = (seed: number): number => (seed < EPS.length ? 1 + 0.2 * EPS[seed] : 1e9);
const LN = Math.log;

const study: StudyOptions = {
  widths: WIDTHS,
  seeds: [...SEEDS, 5, 6], // seed 5 fails at width 64, seed 6 diverges at width 256; both absent elsewhere
  depths: [1, 2],
  steps: 20,
  logEvery: 5,
  snapshots: [0, 10, 20],
  curves: (p, step, snap) => ({
    kernel_rel_err: snap ? (1 + step / 10) * p.width ** exponent(p.depth) * noise(p.seed) : null,
    kernel_drift: snap ? (step / 10) * p.width ** -0.5 * noise(p.seed) : null, // 0 at step 0: no log
    train_loss: p.seed < EPS.length ? 1 + 0.1 * p.seed : 1e12,
  }),
  finals: (p) => ({ final_kernel_rel_err: 3 * p.width ** -0.5 * noise(p.seed) }),
  eigen: (p, _step, rank) => (rank + 1) * p.width ** -0.25 * noise(p.seed),
};

/** Keep seeds 5 and 6 only where they fail or diverge. */
function keep(p: StudyPoint): boolean {
  return p.seed < 5 || (p.seed === 5 && p.width === 64) || (p.seed === 6 && p.width === 256);
}

async function writeClosedFormRun(): Promise<string> {
  const dir = tempFolder('ntk-agg-');
  const status = (p: StudyPoint): TrialStatus => (p.seed === 5 ? 'failed' : p.seed === 6 ? 'diverged' : 'ok');
  // One study per width, so that the extra seeds appear only where they fail or diverge.
  for (const width of WIDTHS) {
    const seeds = [...SEEDS, 5, 6].filter((seed) => keep({ width, seed, depth: 1, lr: 0.5 }));
    await writeStudy({ ...study, widths: [width], seeds, status }, dir);
  }
  return dir;
}

const run = await writeClosedFormRun();
const result = await aggregateRun(run);
const fit = (depth: number, source: string, metric: string, step: number | null): FitRow => {
  const f = result.fits.find(
    (r) => r.groupValues.depth === depth && r.source === source && r.metric === metric && r.step === step,
  );
  assert.ok(f, `no fit for depth ${depth} ${source}.${metric} at ${step}`);
  return f;
};

test('the group axes are the varying trial parameters other than width and seed', () => {
  assert.deepEqual(result.groupAxes, ['depth']);
  assert.deepEqual(result.trials, { total: 3 * 2 * 5 + 2 * 2, ok: 30, failed: 2, diverged: 2 });
  assert.deepEqual(result.warnings, []);
});

test('log-log slopes, intercepts and R² of power laws are recovered exactly', () => {
  for (const depth of [1, 2]) {
    for (const step of [0, 10, 20]) {
      const f = fit(depth, 'curves', 'kernel_rel_err', step);
      assert.ok(Math.abs(f.slope! - exponent(depth)) < 1e-12, `slope ${f.slope}`);
      assert.ok(Math.abs(f.intercept! - LN(1 + step / 10)) < 1e-12, `intercept ${f.intercept}`);
      assert.ok(Math.abs(f.r2! - 1) < 1e-12);
      assert.equal(f.reason, null);
      assert.equal(f.n_widths, 3);
      assert.equal(f.n, 15);
      assert.deepEqual([f.min_width, f.max_width], [64, 1024]);
      assert.ok(
        f.slope_ci_low! < f.slope! && f.slope! < f.slope_ci_high!,
        `CI [${f.slope_ci_low}, ${f.slope_ci_high}]`,
      );
      assert.ok(f.slope_ci_high! - f.slope_ci_low! < 0.3, 'CI width reflects 20% noise over 5 seeds');
      assert.equal(f.bootstrap_resamples, 1000);
      assert.equal(f.n_failed, 1);
      assert.equal(f.n_diverged, 1);
    }
    const final = fit(depth, 'trials', 'final_kernel_rel_err', null);
    assert.ok(Math.abs(final.slope! + 0.5) < 1e-12 && Math.abs(final.intercept! - LN(3)) < 1e-12);
    for (const rank of [0, 1, 2]) {
      const e = fit(depth, 'spectra', `eigenvalue_${rank}`, 10);
      assert.ok(Math.abs(e.slope! + 0.25) < 1e-12 && Math.abs(e.intercept! - LN(rank + 1)) < 1e-12);
    }
  }
});

test('curves are fitted at the first and last step and at every kernel snapshot; losses never', () => {
  const steps = result.fits.filter((f) => f.groupValues.depth === 1 && f.metric === 'weight_change').map((f) => f.step);
  assert.deepEqual(steps, [0, 10, 20]);
  for (const metric of ['train_loss', 'test_loss', 'final_train_loss', 'test_loss_analytic_kernel']) {
    assert.equal(result.fits.filter((f) => f.metric === metric).length, 0, `${metric} has no width exponent: no fit`);
  }
});

test('a mean of zero has no logarithm: the fit says so instead of a slope', () => {
  const f = fit(1, 'curves', 'kernel_drift', 0);
  assert.equal(f.reason, 'non-positive mean');
  assert.equal(f.slope, null);
  assert.equal(f.slope_ci_low, null);
  assert.ok(Math.abs(fit(1, 'curves', 'kernel_drift', 20).slope! + 0.5) < 1e-12);
});

test('summary: n, mean, sd and the t-based 95% CI over seeds; failed and diverged trials counted, not averaged', async () => {
  const rows = await readSummary(run, "metric = 'train_loss' AND step = 20");
  assert.equal(rows.length, 2 * 3);
  const mean = 1 + 0.1 * 2; // seeds 0…4
  const sd = 0.1 * Math.sqrt(2.5); // sample sd of 0, 1, 2, 3, 4 is √2.5
  for (const r of rows) {
    assert.equal(r.n, 5);
    assert.ok(Math.abs(r.mean - mean) < 1e-12, `mean ${r.mean}`);
    assert.ok(Math.abs(r.sd! - sd) < 1e-12);
    assert.ok(Math.abs(r.se! - sd / Math.sqrt(5)) < 1e-12);
    assert.ok(Math.abs(r.ci_low! - (mean - (T_975_4 * sd) / Math.sqrt(5))) < 1e-9);
    assert.ok(Math.abs(r.ci_high! - (mean + (T_975_4 * sd) / Math.sqrt(5))) < 1e-9);
    assert.equal(r.n_trials, r.width === 1024 ? 5 : 6);
    assert.equal(r.n_failed, r.width === 64 ? 1 : 0);
    assert.equal(r.n_diverged, r.width === 256 ? 1 : 0);
  }
  const err = await readSummary(run, "metric = 'kernel_rel_err' AND step = 10 AND depth = 1 AND width = 256");
  assert.equal(err.length, 1);
  assert.ok(Math.abs(err[0].mean - 2 * 256 ** -0.5) < 1e-15);
  // Between snapshots the kernel metrics have no values, hence no rows.
  assert.equal((await readSummary(run, "metric = 'kernel_rel_err' AND step = 5")).length, 0);
  const finals = await readSummary(run, "source = 'trials' AND metric = 'final_kernel_rel_err'");
  assert.equal(finals.length, 6);
  assert.ok(finals.every((r) => r.step === null && r.n === 5));
});

test('written files: one each, no temporary file, columns and types as the Arrow schemas say', async () => {
  assert.deepEqual(readdirSync(path.join(run, 'summary')), ['summary.parquet']);
  assert.deepEqual(readdirSync(path.join(run, 'fits')), ['fits.parquet']);
  const depth = [new arrow.Field('depth', new arrow.Int32(), true)];
  const read = (f: string) => arrow.tableFromIPC(readParquet(readFileSync(f)).intoIPCStream());
  for (const [file, schema, rows] of [
    [result.summaryFile, summarySchema(depth), result.summaryRows],
    [result.fitsFile, fitsSchema(depth), result.fits.length],
  ] as const) {
    const table = read(file);
    const got = table.schema.fields.map((f) => `${f.name}: ${f.type}`);
    assert.deepEqual(
      got,
      schema.fields.map((f) => `${f.name}: ${f.type}`),
      file,
    );
    assert.equal(table.numRows, rows);
  }
  assert.deepEqual(await readFits(run), result.fits);
  // The summary file is sorted by group, source, metric, step (trials' null first), width.
  const t = read(result.summaryFile);
  const key = (i: number) =>
    [
      t.getChild('group')!.get(i),
      t.getChild('source')!.get(i),
      t.getChild('metric')!.get(i),
      t.getChild('step')!.get(i) ?? -1,
      t.getChild('width')!.get(i),
    ] as (string | number)[];
  for (let i = 1; i < t.numRows; i++) {
    const [a, b] = [key(i - 1), key(i)];
    const j = a.findIndex((v, k) => v !== b[k]);
    assert.ok(j >= 0 && a[j] < b[j], `rows ${i - 1} and ${i} out of order: ${a} / ${b}`);
  }
});

test('the bootstrap is seeded: the same seed gives the same CIs, another seed others', async () => {
  const again = await aggregateRun(run);
  // DuckDB sums in parallel, so means may differ in the last bit between runs: compare to 1e-12.
  const close = (a: number | null, b: number | null) =>
    a === null ? b === null : Math.abs(a - b!) <= 1e-12 * Math.max(1, Math.abs(a));
  assert.equal(again.fits.length, result.fits.length);
  again.fits.forEach((f, i) => {
    const g = result.fits[i];
    assert.deepEqual(
      [f.group, f.source, f.metric, f.step, f.n, f.bootstrap_resamples],
      [g.group, g.source, g.metric, g.step, g.n, g.bootstrap_resamples],
    );
    for (const k of ['slope', 'intercept', 'r2', 'slope_ci_low', 'slope_ci_high'] as const)
      assert.ok(close(f[k], g[k]), `${f.metric} ${k}`);
  });
  const other = await aggregateRun(run, { seed: 7, resamples: 200 });
  const a = fit(1, 'curves', 'kernel_rel_err', 0);
  const b = other.fits.find((f) => f.groupValues.depth === 1 && f.metric === 'kernel_rel_err' && f.step === 0)!;
  assert.equal(b.slope, a.slope);
  assert.notEqual(b.slope_ci_low, a.slope_ci_low);
  assert.equal(b.bootstrap_resamples, 200);
  await aggregateRun(run); // leave the folder as the other tests read it
});

test('a single width: summary rows, and fits that say "one width" instead of a slope', async () => {
  const one = await writeStudy({ ...study, widths: [128], seeds: SEEDS, depths: [3] });
  const r = await aggregateRun(one);
  assert.deepEqual(r.groupAxes, []);
  assert.ok(r.summaryRows > 0);
  assert.ok(r.fits.length > 0);
  for (const f of r.fits) {
    assert.equal(f.reason, 'one width');
    assert.equal(f.slope, null);
    assert.equal(f.r2, null);
    assert.equal(f.group, 'all');
  }
  const s = await readSummary(one, "metric = 'train_loss' AND step = 0");
  assert.equal(s.length, 1);
  assert.equal(s[0].group, 'all');
});

test('a folder without trials is refused with a RunFolderError', async () => {
  const empty = tempFolder('ntk-agg-empty-');
  await assert.rejects(
    aggregateRun(empty),
    (e: unknown) => e instanceof RunFolderError && /no trials table/.test(e.message),
  );
  await assert.rejects(aggregateRun(path.join(empty, 'missing')), RunFolderError);
});

test('fitLine is ordinary least squares', () => {
  const x = [0, 1, 2, 3];
  const y = [1, 3, 5, 7.5];
  const f = fitLine(x, y);
  // Closed form: slope = Sxy/Sxx = 10.75/5, intercept = ȳ − slope·x̄.
  assert.ok(Math.abs(f.slope - 2.15) < 1e-12);
  assert.ok(Math.abs(f.intercept - (4.125 - 2.15 * 1.5)) < 1e-12);
  const ssRes = y.reduce((s, yi, i) => s + (yi - f.intercept - f.slope * x[i]) ** 2, 0);
  const ssTot = y.reduce((s, yi) => s + (yi - 4.125) ** 2, 0);
  assert.ok(Math.abs(f.r2 - (1 - ssRes / ssTot)) < 1e-12);
});

test('bootstrap CI coverage: about 95% of intervals contain the true slope', () => {
  // log-normal noise, the same law at every width: the per-width mean is c·w^−½·E[e^{σz}], so the true slope is −½.
  const widths = [64, 128, 256, 512, 1024];
  const seeds = 8;
  const logW = widths.map(Math.log);
  const rng = makeRng(11, 'coverage');
  const reps = 300;
  let covered = 0;
  for (let rep = 0; rep < reps; rep++) {
    const values = widths.map((w) =>
      Float64Array.from({ length: seeds }, () => 2 * w ** -0.5 * Math.exp(0.3 * rng.normal())),
    );
    const plan = makeResamplePlan(
      widths.map(() => seeds),
      500,
      makeRng(rep, 'plan').uniform,
    );
    const ci = bootstrapSlopeCI(plan, values, logW, [0, 1, 2, 3, 4]);
    assert.equal(ci.used, 500);
    if (ci.low <= -0.5 && -0.5 <= ci.high) covered++;
  }
  const coverage = covered / reps;
  // Percentile intervals from 8 seeds under-cover a little; far from 95% would mean a wrong resampling.
  assert.ok(coverage > 0.85 && coverage < 0.99, `coverage ${coverage}`);
});

test('bootstrap replicates drop NaN draws and skip replicates without a positive mean', () => {
  const values = [Float64Array.from([1, Number.NaN]), Float64Array.from([0.5, 0.5])];
  const plan = makeResamplePlan([2, 2], 400, makeRng(3, 'nan').uniform);
  const ci = bootstrapSlopeCI(plan, values, [0, Math.log(2)], [0, 1]);
  // Replicates that drew only the NaN at width 0 are dropped (probability ¼); the others all give slope −1.
  assert.ok(ci.used > 250 && ci.used < 350, `used ${ci.used}`);
  assert.ok(Math.abs(ci.low + 1) < 1e-12 && Math.abs(ci.high + 1) < 1e-12);
});

test('a varying params_json field without a trials column (ntk.probe.n) is found there and becomes a column', async () => {
  const dir = tempFolder('ntk-agg-freq-');
  const base: StudyOptions = { ...study, widths: [64, 256], seeds: SEEDS, depths: [2] };
  for (const freq of [2, 5]) {
    await writeStudy(
      {
        ...base,
        idSuffix: `-f${freq}`,
        params: (_p, c) => void (c.ntk.probe = { kind: 'circle', n: freq }),
        curves: (p, step, snap) => ({ kernel_rel_err: snap ? freq * p.width ** -0.5 * noise(p.seed) : null }),
      },
      dir,
    );
  }
  const r = await aggregateRun(dir);
  assert.deepEqual(r.groupAxes, ['ntk.probe.n']);
  const fits = r.fits.filter((f) => f.metric === 'kernel_rel_err' && f.step === 0);
  assert.deepEqual(
    fits.map((f) => [f.group, f.groupValues['ntk.probe.n']]),
    [
      ['ntk.probe.n=2', 2],
      ['ntk.probe.n=5', 5],
    ],
  );
  for (const f of fits) {
    assert.ok(Math.abs(f.slope! + 0.5) < 1e-12);
    assert.ok(Math.abs(f.intercept! - LN(Number(f.groupValues['ntk.probe.n']))) < 1e-12);
  }
  const table = arrow.tableFromIPC(readParquet(readFileSync(r.summaryFile)).intoIPCStream());
  assert.equal(String(table.schema.fields[1].name), 'ntk.probe.n');
  assert.equal(String(table.schema.fields[1].type), 'Int64');
  // trialAxisSql matches trials to the summary's groups although trials has no such column.
  const db = await openRun(dir);
  try {
    const axis = trialAxisSql('ntk.probe.n', ['trial_id', 'width', 'params_json']);
    const rows = (
      await db.connection.runAndReadAll(
        `SELECT g."group", count(*) AS n FROM trials t JOIN (SELECT DISTINCT "group", "ntk.probe.n" FROM summary) g
         ON ${axis} = CAST(g."ntk.probe.n" AS VARCHAR) GROUP BY ALL ORDER BY ALL`,
      )
    ).getRowObjectsJS();
    assert.deepEqual(
      rows.map((x) => [x.group, Number(x.n)]),
      [
        ['ntk.probe.n=2', 10],
        ['ntk.probe.n=5', 10],
      ],
    );
  } finally {
    db.close();
  }
});

test('a swept parameter with a column (dataset.target.freq) is a group axis named by its column, matched to trials by it', async () => {
  const dir = tempFolder('ntk-agg-freq-');
  const base: StudyOptions = { ...study, widths: [64, 256], seeds: SEEDS, depths: [2] };
  for (const freq of [2, 5]) {
    await writeStudy(
      {
        ...base,
        idSuffix: `-f${freq}`,
        params: (_p, c) => void (c.dataset.target.freq = freq),
        finals: () => ({ target_freq: freq }),
        curves: (p, step, snap) => ({ kernel_rel_err: snap ? freq * p.width ** -0.5 * noise(p.seed) : null }),
      },
      dir,
    );
  }
  const r = await aggregateRun(dir);
  assert.deepEqual(r.groupAxes, ['target_freq']);
  // The parameter columns of curves (lr, w_std, target_freq, …) are not metrics.
  assert.deepEqual(
    r.metrics.curves.filter((m) => (PARAMETER_COLUMNS as readonly string[]).includes(m)),
    [],
  );
  assert.ok(r.metrics.curves.includes('kernel_rel_err'));
  const fits = r.fits.filter((f) => f.metric === 'kernel_rel_err' && f.step === 0);
  assert.deepEqual(
    fits.map((f) => [f.group, f.groupValues['target_freq']]),
    [
      ['target_freq=2.0', 2],
      ['target_freq=5.0', 5],
    ],
  );
  for (const f of fits) {
    assert.ok(Math.abs(f.slope! + 0.5) < 1e-12);
    assert.ok(Math.abs(f.intercept! - LN(Number(f.groupValues['target_freq']))) < 1e-12);
  }
  const table = arrow.tableFromIPC(readParquet(readFileSync(r.summaryFile)).intoIPCStream());
  assert.equal(String(table.schema.fields[1].name), 'target_freq');
  assert.equal(String(table.schema.fields[1].type), 'Float64');
  // trialAxisSql matches trials to the summary's groups by the trials column.
  const db = await openRun(dir);
  try {
    const axis = trialAxisSql('target_freq', ['trial_id', 'width', 'params_json', 'target_freq']);
    const rows = (
      await db.connection.runAndReadAll(
        `SELECT g."group", count(*) AS n FROM trials t JOIN (SELECT DISTINCT "group", target_freq AS f FROM summary) g
         ON ${axis} = CAST(g.f AS VARCHAR) GROUP BY ALL ORDER BY ALL`,
      )
    ).getRowObjectsJS();
    assert.deepEqual(
      rows.map((x) => [x.group, Number(x.n)]),
      [
        ['target_freq=2.0', 10],
        ['target_freq=5.0', 10],
      ],
    );
  } finally {
    db.close();
  }
});

test('without canonical params_json, the varying trials columns are the axes', async () => {
  const flat = await writeStudy({ ...study, widths: [64, 256], seeds: SEEDS, params: 'flat' });
  const r = await aggregateRun(flat);
  assert.deepEqual(r.groupAxes, ['depth']);
  const f = r.fits.find((x) => x.groupValues.depth === 2 && x.metric === 'kernel_rel_err' && x.step === 0)!;
  assert.ok(Math.abs(f.slope! + 1) < 1e-12);
});
