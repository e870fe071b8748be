/**
 * The report of a real small sweep — trials run by the `ntk-sweep trial`
 * executable, then `ntk-sweep report` (aggregation + rendering, no Temporal) — opened in headless
 * Debian Chromium driven by playwright-core. Every figure is drawn with the series and points the
 * `summary` table (or, for the kernel against the angle, the `kernels` table) says it must have,
 * counted in the rendered SVG; the page logs no console error, makes no request, and a screenshot
 * is saved under the run folder (runs/test-report/browser/report/screenshot.png, a CI artifact).
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { LOSS_CURVES } from '../../src/report/specs/loss-curves.js';
import { TOP_RANKS } from '../../src/report/queries.js';
import { runCli } from '../cli/run-cli.js';
import { checkSourcedValues, strayNumbers } from './check-report.js';
import { openTestDb, type TestDb } from './lookup.js';
import { makeRunFolder, testRunDir, tinyConfig } from './run-folder.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** As the machine notes say: without the background-networking flags Chromium tries to reach Google at start. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let runDir: string;
let browser: Browser;
let page: Page;
let db: TestDb;
const consoleErrors: string[] = [];
const requests: string[] = [];

/** What one figure drew, counted in its SVG. */
interface Drawn {
  id: string;
  plot: string;
  attrs: Record<string, string>;
  /** Per mark name: the number of drawn items (paths, lines) and of line vertices. */
  marks: Record<string, { items: number; vertices: number }>;
}

before(async () => {
  assert.ok(
    existsSync(CHROMIUM),
    `no Chromium at ${CHROMIUM}: run scripts/setup.sh (apt-get install chromium) or set CHROMIUM_PATH`,
  );
  runDir = testRunDir('browser');
  await makeRunFolder(runDir, tinyConfig({ name: 'report-browser', widths: [32, 64, 128], seeds: [0, 1] }), {
    via: 'cli',
  });
  const r = runCli(['report', runDir], 300_000);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout.trim(), /report\/index\.html$/);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  const url = pathToFileURL(path.join(runDir, 'report', 'index.html')).href;
  page.on('request', (req) => {
    if (req.url() !== url) requests.push(req.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  db = await openTestDb(runDir);
});

after(async () => {
  await browser?.close();
  db?.close();
});

async function drawnFigures(): Promise<Drawn[]> {
  return page.$$eval('figure[data-figure]', (figs) =>
    figs.map((f) => {
      const marks: Record<string, { items: number; vertices: number }> = {};
      for (const g of Array.from(f.querySelectorAll('svg g[class*="_marks"]'))) {
        const name = Array.from(g.classList)
          .find((c) => c.endsWith('_marks'))!
          .replace(/_marks$/, '');
        const items = Array.from(g.children).filter((c) => c.tagName === 'path' || c.tagName === 'line');
        const m = (marks[name] ??= { items: 0, vertices: 0 });
        m.items += items.length;
        for (const it of items) m.vertices += (it.getAttribute('d') ?? '').match(/[ML]/g)?.length ?? 0;
      }
      const attrs: Record<string, string> = {};
      for (const a of Array.from(f.attributes)) if (a.name.startsWith('data-')) attrs[a.name.slice(5)] = a.value;
      return { id: attrs.figure, plot: attrs.plot, attrs, marks };
    }),
  );
}

const n = (v: unknown): number => Number(v);
const count = (d: Drawn, mark: string) => d.marks[mark] ?? { items: 0, vertices: 0 };

describe('the report in headless Chromium', () => {
  test('every convergence figure draws one line per group × step and one point per positive mean in summary', async () => {
    const figs = (await drawnFigures()).filter((f) => f.plot === 'convergence');
    // A trial's final_x is curves' x at the last step: the report draws it once, under curves.
    const metrics = await db.rows(
      `SELECT DISTINCT source, metric FROM fits f WHERE source <> 'spectra'
         AND NOT (source = 'trials' AND starts_with(metric, 'final_')
                  AND EXISTS (SELECT 1 FROM fits c WHERE c.source = 'curves' AND 'final_' || c.metric = f.metric))`,
    );
    // Losses have no width exponent (src/metrics/catalogue.ts): no fit, so no convergence figure.
    assert.ok(metrics.length > 0 && !metrics.some((m) => String(m.metric).includes('loss')), 'losses are not fitted');
    assert.deepEqual(
      figs.map((f) => `${f.attrs.source}/${f.attrs.metric}`).sort(),
      metrics.map((m) => `${m.source}/${m.metric}`).sort(),
      'one convergence figure per fitted metric',
    );
    for (const f of figs) {
      const [want] = await db.rows(
        `SELECT count(*) AS points, count(DISTINCT ("group", coalesce(step, -1))) AS series FROM summary s
         WHERE source = $1 AND metric = $2 AND mean > 0 AND isfinite(mean)
           AND coalesce(step, -1) IN (SELECT coalesce(step, -1) FROM fits WHERE source = $1 AND metric = $2)`,
        [f.attrs.source, f.attrs.metric],
      );
      assert.ok(n(want.points) > 0 || f.attrs.metric.startsWith('kernel_drift'), `${f.id}: summary has points`);
      assert.equal(count(f, 'means').items, n(want.series), `${f.id}: lines`);
      assert.equal(count(f, 'points').items, n(want.points), `${f.id}: points`);
      assert.equal(count(f, 'means').vertices, n(want.points), `${f.id}: line vertices`);
      const fitted = await db.rows(
        'SELECT count(*) AS n FROM fits WHERE source = $1 AND metric = $2 AND slope IS NOT NULL',
        [f.attrs.source, f.attrs.metric],
      );
      assert.equal(count(f, 'fit').items, n(fitted[0].n), `${f.id}: one fitted line per fit with a slope`);
    }
    const headline = figs.find((f) => f.attrs.metric === 'kernel_rel_err')!;
    assert.ok(count(headline, 'theory').items > 0, 'kernel_rel_err has the theory line of slope −1/2');
  });

  test('the loss figure draws a line per group × width × curve with a vertex per logged step', async () => {
    const figs = (await drawnFigures()).filter((f) => f.plot === 'loss-curves');
    assert.equal(figs.length, 1);
    const metrics = Object.keys(LOSS_CURVES);
    for (const f of figs) {
      const [want] = await db.rows(
        `SELECT count(*) AS points, count(DISTINCT ("group", width, metric)) AS series FROM summary
         WHERE source = 'curves' AND metric IN (${metrics.map((m) => `'${m}'`).join(', ')}) AND mean > 0`,
      );
      assert.ok(n(want.series) >= 3 * 2, `${f.id}: train and test loss for three widths at least`);
      assert.equal(count(f, 'curves').items, n(want.series), `${f.id}: lines`);
      assert.equal(count(f, 'curves').vertices, n(want.points), `${f.id}: vertices`);
    }
  });

  test('Θ(x₀, x) against the angle: a line per width at t = 0 and t = T with a vertex per probe point, and Θ∞', async () => {
    const figs = (await drawnFigures()).filter((f) => f.plot === 'kernel-angle');
    assert.equal(figs.length, 1);
    const [want] = await db.rows(
      `WITH k AS (SELECT t.width, k.step, len(k."values") AS p FROM kernels k JOIN trials t USING (trial_id)
                  WHERE k.split = 'probe_x0' AND t.status = 'ok'),
            ends AS (SELECT min(step) AS s0, max(step) AS s1 FROM k)
       SELECT count(DISTINCT (width, step)) AS series, count(DISTINCT (width, step)) * any_value(p) AS points,
              count(DISTINCT step) AS steps
       FROM k, ends WHERE step IN (s0, s1)`,
    );
    assert.equal(n(want.steps), 2);
    const f = figs[0];
    assert.equal(count(f, 'kernel').items, n(want.series), 'lines');
    assert.equal(count(f, 'kernel').vertices, n(want.points), 'vertices');
    const [p] = await db.rows(
      "SELECT len(\"values\") AS p FROM analytic WHERE split = 'probe_x0' AND kind = 'analytic_ntk' LIMIT 1",
    );
    assert.equal(count(f, 'analytic').items, 2, 'Θ∞ in both panels');
    assert.equal(count(f, 'analytic').vertices, 2 * n(p.p));
  });

  test('top eigenvalues against width: a line per rank × snapshot, a point per positive mean, Θ∞ rules', async () => {
    const figs = (await drawnFigures()).filter((f) => f.plot === 'spectra');
    assert.equal(figs.length, 1);
    const [want] = await db.rows(
      `SELECT count(*) AS points, count(DISTINCT (metric, step)) AS series, count(DISTINCT step) AS steps FROM summary
       WHERE source = 'spectra' AND CAST(regexp_extract(metric, 'eigenvalue_(\\d+)', 1) AS INTEGER) < ${TOP_RANKS} AND mean > 0`,
    );
    const [ranks] = await db.rows(
      `SELECT count(DISTINCT rank) AS n FROM spectra WHERE kind = 'analytic_ntk' AND rank < ${TOP_RANKS}`,
    );
    const f = figs[0];
    assert.equal(count(f, 'eigen').items, n(want.series), 'lines');
    assert.equal(count(f, 'eigen_points').items, n(want.points), 'points');
    assert.equal(count(f, 'eigen_analytic').items, n(ranks.n) * n(want.steps), 'rules');
  });

  test('the page logs no console error and requests nothing', () => {
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(requests, []);
  });

  test('the printed numbers are the run folder’s', async () => {
    const r = await checkSourcedValues(runDir);
    assert.ok(r.numbers > 20);
    assert.deepEqual(strayNumbers(runDir), []);
  });

  test('a screenshot of the whole page is saved under the run folder', async () => {
    const file = path.join(runDir, 'report', 'screenshot.png');
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(statSync(file).size > 10_000);
  });
});
