/**
 * Every number the report prints equals the DuckDB query over the run
 * folder that it names (checked with the test's own views, test/report/lookup.ts), nothing else in
 * the page is a number, report.md has the same tables; and a run folder with failed and diverged
 * trials, and one with a single width, give a report that says so. The folders are real: trials
 * trained in-process by executeTrial, a failed trial recorded as the orchestration records it,
 * aggregated by aggregateRun.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { initialKernelSlopes, writeReport } from '../../src/report/index.js';
import { formatValue, parsePrinted } from '../../src/report/format.js';
import {
  checkSourcedValues,
  htmlTables,
  markdownTables,
  readReportDom,
  strayNumbers,
  tableObjects,
} from './check-report.js';
import { openTestDb } from './lookup.js';
import { makeRunFolder, testRunDir, tinyConfig } from './run-folder.js';

const DIVERGING_LR = 40; // η_crit ≈ 3 for this data and depth 1: 40 diverges within a few steps
const FAIL_ERROR = 'activity timed out after 3 attempts (worker lost)';

let faults: string;
let single: string;

before(async () => {
  faults = testRunDir('faults');
  await makeRunFolder(
    faults,
    tinyConfig({ name: 'report-faults', widths: [32, 64], seeds: [0, 1], lrs: [1, DIVERGING_LR] }),
    {
      via: 'in-process',
      fail: (p) => p.params.width === 64 && p.params.seed === 1 && p.params.lr === 1,
      failError: FAIL_ERROR,
    },
  );
  await writeReport(faults);
  single = testRunDir('single-width');
  await makeRunFolder(single, tinyConfig({ name: 'report-single', widths: [64], seeds: [0, 1] }), {
    via: 'in-process',
  });
  await writeReport(single);
});

describe('printed numbers', () => {
  test('format: printed numbers parse back within their digits', () => {
    for (const x of [0, 1, -3, 0.5, -0.49871, 123456.7, 1e-7, -2.5e8, 0.001, 999999]) {
      const text = formatValue({ value: x });
      const back = parsePrinted(text)!;
      assert.ok(Math.abs(back - x) <= 5e-4 * Math.abs(x), `${x} → ${text} → ${back}`);
    }
    assert.equal(formatValue({ value: -0.5 }), '−0.5');
    assert.equal(formatValue({ value: null }), '—');
  });

  for (const [name, dir] of [
    ['faults', () => faults],
    ['single width', () => single],
  ] as const) {
    test(`${name}: every sourced value equals its DuckDB query over the run folder`, async () => {
      const r = await checkSourcedValues(dir());
      // The checks must have had something to check: trials, fits, manifest, config at least.
      for (const src of ['trials', 'fits', 'manifest.json', 'config.yaml'])
        assert.ok((r.checked[src] ?? 0) > 0, `nothing from ${src} was checked`);
      assert.ok(r.numbers > 20, `only ${r.numbers} numbers checked`);
    });

    test(`${name}: no number is printed outside a sourced value`, () => {
      assert.deepEqual(strayNumbers(dir()), []);
    });

    test(`${name}: report.md holds the same tables as index.html`, () => {
      const html = htmlTables(dir());
      const md = markdownTables(dir());
      assert.ok(html.size >= 4);
      assert.deepEqual([...md.keys()].sort(), [...html.keys()].sort());
      for (const [id, rows] of html) assert.deepEqual(md.get(id), rows, `table ${id}`);
      const figures = readdirSync(path.join(dir(), 'report', 'figures')).filter((f) => f.endsWith('.svg'));
      const mdText = readFileSync(path.join(dir(), 'report', 'report.md'), 'utf8');
      for (const f of figures) assert.ok(mdText.includes(`(figures/${f})`), `report.md links ${f}`);
    });
  }
});

describe('a run with failed and diverged trials', () => {
  test('the overview counts them and says they are left out', async () => {
    const db = await openTestDb(faults);
    const counts = Object.fromEntries(
      (await db.rows('SELECT status, count(*) AS n FROM trials GROUP BY status')).map((r) => [r.status, r.n]),
    );
    db.close();
    assert.equal(counts.failed, 1);
    assert.ok(Number(counts.diverged) >= 1, `lr ${DIVERGING_LR} should diverge: ${JSON.stringify(counts)}`);
    const status = Object.fromEntries(tableObjects(faults, 'trial-status').map((r) => [r.status, r.trials]));
    assert.equal(status.failed, String(counts.failed));
    assert.equal(status.diverged, String(counts.diverged));
    const warnings = [...readReportDom(faults).querySelectorAll('p.warning')].map((p) => p.textContent ?? '');
    assert.ok(
      warnings.some((w) => /failed and .* diverged trials are left out/.test(w)),
      warnings.join('\n'),
    );
    assert.ok(
      warnings.some((w) => /above η_crit/.test(w)),
      'the flagged learning rates are announced',
    );
  });

  test('the failed and diverged trials are listed with their errors and divergence steps', async () => {
    const db = await openTestDb(faults);
    const bad = await db.rows(
      "SELECT trial_id, status, error, diverged_at_step FROM trials WHERE status <> 'ok' ORDER BY trial_id",
    );
    db.close();
    const listed = tableObjects(faults, 'failed-trials');
    assert.deepEqual(listed.map((r) => r.trial).sort(), bad.map((r) => String(r.trial_id)).sort());
    const failed = listed.find((r) => r.status === 'failed')!;
    assert.equal(failed.error, FAIL_ERROR);
    for (const r of listed.filter((x) => x.status === 'diverged')) {
      const row = bad.find((b) => b.trial_id === r.trial)!;
      assert.equal(r['diverged at step'], String(row.diverged_at_step));
    }
  });

  test('learning rates above η_crit are flagged, and only those', async () => {
    const db = await openTestDb(faults);
    const over = await db.rows('SELECT trial_id FROM trials WHERE lr_over_crit > 1');
    db.close();
    assert.ok(over.length > 0);
    const listed = tableObjects(faults, 'flagged-lr');
    assert.deepEqual(listed.map((r) => r.trial).sort(), over.map((r) => String(r.trial_id)).sort());
    for (const r of listed) assert.equal(r.lr, String(DIVERGING_LR));
  });

  test('the fits say how many trials of each group were left out', async () => {
    const db = await openTestDb(faults);
    const fits = await db.rows(
      "SELECT \"group\", step, n_failed, n_diverged FROM fits WHERE source = 'curves' AND metric = 'kernel_rel_err' ORDER BY ALL",
    );
    db.close();
    const shown = tableObjects(faults, 'fits-curves-kernel_rel_err');
    assert.equal(shown.length, fits.length);
    for (const f of fits) {
      const row = shown.find((r) => r.group === f.group && r.step === String(f.step))!;
      assert.ok(row, `fit ${f.group} step ${f.step} shown`);
      assert.equal(row.failed, String(f.n_failed));
      assert.equal(row.diverged, String(f.n_diverged));
    }
  });
});

describe('a run with a single width', () => {
  test('the report says no slope can be fitted, and why', async () => {
    const warnings = [...readReportDom(single).querySelectorAll('p.warning')].map((p) => p.textContent ?? '');
    assert.ok(
      warnings.some((w) => /Only one width \(64\): no slope/.test(w)),
      warnings.join('\n'),
    );
    const headline = tableObjects(single, 'headline');
    assert.ok(headline.length > 0);
    for (const r of headline) {
      assert.equal(r.slope, '—');
      assert.equal(r['no slope because'], 'one width');
    }
    const svgs = readdirSync(path.join(single, 'report', 'figures')).filter((f) => f.startsWith('convergence-'));
    assert.ok(svgs.length > 0, 'the convergence figures are still drawn (single points)');
  });
});

describe('the headline slope', () => {
  test('initialKernelSlopes returns the rows the report prints', async () => {
    for (const dir of [faults, single]) {
      const slopes = await initialKernelSlopes(dir);
      const shown = tableObjects(dir, 'headline');
      assert.equal(slopes.length, shown.length);
      for (const s of slopes) {
        const row = shown.find((r) => r.group === s.group)!;
        assert.equal(row.step, String(s.step));
        assert.equal(row.slope, formatValue({ value: s.slope }));
        assert.equal(row['no slope because'], s.reason ?? '');
      }
    }
    assert.ok(existsSync(path.join(faults, 'report', 'index.html')));
  });
});
