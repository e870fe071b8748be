/**
 * Every query the report runs, over the run folder's DuckDB views (src/query/run-views.ts):
 * the aggregation's `summary` and `fits` (src/aggregate/schemas.ts), and `trials`, `kernels`,
 * `analytic`, `spectra` for what the aggregation does not hold (Θ(x₀, x) against the angle, the
 * analytic eigenvalues, the trial lists). Trials are matched to their group through the group-axis
 * columns that `summary` carries, so the report's groups are exactly the aggregation's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { quotedIdentifier, quotedString, type DuckDBConnection } from '@duckdb/node-api';
import type { RunDatabase } from '../query/run-views.js';
import { TOP_EIGENVALUES } from '../aggregate/summary-sql.js';
import { CONFIG_FILE, MANIFEST_FILE } from '../tables/run-folder.js';
import type {
  AnalyticAnglePoint,
  AnalyticEigen,
  AnglePoint,
  CountBy,
  FitPoint,
  GroupInfo,
  ReportData,
  SummaryPoint,
  TrialListing,
} from './report-data.js';

/** Trials listed at most in the flagged and failed tables (the rest are counted and one query away). */
export const LIST_LIMIT = 200;
/** Eigenvalues shown per kernel (ranks 0 … TOP_RANKS − 1): those the aggregation summarises. */
export const TOP_RANKS = TOP_EIGENVALUES;

type Row = Record<string, unknown>;

/** Rows as plain JS values, 64-bit integers as numbers (counts and steps fit in 2^53). */
export async function rowsOf(connection: DuckDBConnection, sql: string): Promise<Row[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((r) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) out[k] = typeof v === 'bigint' ? Number(v) : v;
    return out;
  });
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const scalar = (v: unknown): string | number | null =>
  v === null || v === undefined ? null : typeof v === 'number' ? v : typeof v === 'boolean' ? String(v) : String(v);
const q = quotedIdentifier;

/** The group-axis columns: those of `summary` between `group` and `width` (src/aggregate/schemas.ts). */
export async function groupAxesOf(connection: DuckDBConnection): Promise<string[]> {
  const cols = (await rowsOf(connection, 'DESCRIBE summary')).map((r) => String(r.column_name));
  const from = cols.indexOf('group');
  const to = cols.indexOf('width');
  return from >= 0 && to > from ? cols.slice(from + 1, to) : [];
}

/** SQL: the distinct groups of `summary` with their axis values. */
function groupsSql(axes: string[]): string {
  return `SELECT DISTINCT "group"${axes.map((a) => `, ${q(a)}`).join('')} FROM summary`;
}

/**
 * The columns of `trials` the report reads, copied once into a temporary table: a run folder holds
 * one trials file per trial, and a dozen queries each opening ten thousand files cost seconds.
 */
const TRIAL_COLUMNS = [
  'trial_id',
  'status',
  'width',
  'seed',
  'analytic_id',
  'lr',
  'eta_crit',
  'lr_over_crit',
  'error',
  'diverged_at_step',
  'steps_done',
  'attempts',
  'backend',
  'device',
  'depth',
];
const TRIALS = 'report_trials';

async function copyTrials(c: DuckDBConnection, axes: string[]): Promise<void> {
  const cols = [...new Set([...TRIAL_COLUMNS, ...axes])].map(q).join(', ');
  await c.run(`CREATE OR REPLACE TEMP TABLE ${TRIALS} AS SELECT ${cols} FROM trials`);
}

/** SQL: ok trials with their group (trial_id, width, seed, analytic_id, group). */
function trialGroupsSql(axes: string[]): string {
  const on = axes.length
    ? axes.map((a) => `CAST(t.${q(a)} AS VARCHAR) IS NOT DISTINCT FROM CAST(g.${q(a)} AS VARCHAR)`).join(' AND ')
    : 'TRUE';
  return `SELECT t.trial_id, t.width, t.seed, t.analytic_id, g."group"
          FROM ${TRIALS} t JOIN (${groupsSql(axes)}) g ON ${on} WHERE t.status = 'ok'`;
}

async function loadGroups(c: DuckDBConnection, axes: string[]): Promise<GroupInfo[]> {
  const rows = await rowsOf(c, `${groupsSql(axes)} ORDER BY ${['"group"', ...axes.map(q)].reverse().join(', ')}`);
  const groups = rows.map((r) => ({
    group: String(r.group),
    values: Object.fromEntries(axes.map((a) => [a, scalar(r[a])])),
  }));
  // Numeric axes in numeric order (depth 2 before depth 10), then by label.
  return groups.sort((x, y) => {
    for (const a of axes) {
      const u = x.values[a];
      const v = y.values[a];
      if (u === v) continue;
      if (typeof u === 'number' && typeof v === 'number') return u - v;
      return String(u).localeCompare(String(v));
    }
    return x.group.localeCompare(y.group);
  });
}

async function loadSummary(c: DuckDBConnection): Promise<SummaryPoint[]> {
  const rows = await rowsOf(
    c,
    `SELECT "group", width, source, metric, step, n, mean, ci_low, ci_high FROM summary
     ORDER BY source, metric, "group", step NULLS LAST, width`,
  );
  return rows.map((r) => ({
    group: String(r.group),
    width: num(r.width),
    source: String(r.source),
    metric: String(r.metric),
    step: numOrNull(r.step),
    n: num(r.n),
    mean: num(r.mean),
    ci_low: numOrNull(r.ci_low),
    ci_high: numOrNull(r.ci_high),
  }));
}

async function loadFits(c: DuckDBConnection): Promise<FitPoint[]> {
  const rows = await rowsOf(
    c,
    `SELECT "group", source, metric, step, n_widths, n, n_failed, n_diverged, min_width, max_width,
            slope, intercept, r2, slope_ci_low, slope_ci_high, reason
     FROM fits ORDER BY source, metric, step NULLS LAST, "group"`,
  );
  return rows.map((r) => ({
    group: String(r.group),
    source: String(r.source),
    metric: String(r.metric),
    step: numOrNull(r.step),
    n_widths: num(r.n_widths),
    n: num(r.n),
    n_failed: num(r.n_failed),
    n_diverged: num(r.n_diverged),
    min_width: numOrNull(r.min_width),
    max_width: numOrNull(r.max_width),
    slope: numOrNull(r.slope),
    intercept: numOrNull(r.intercept),
    r2: numOrNull(r.r2),
    slope_ci_low: numOrNull(r.slope_ci_low),
    slope_ci_high: numOrNull(r.slope_ci_high),
    reason: strOrNull(r.reason),
  }));
}

/**
 * Θ̂(x₀, probe_i) (kernels, split `probe_x0`) averaged over the seeds of each group × width, at the
 * group's first and last snapshot: the data of Jacot et al. 2018, Figure 1 (arXiv:1806.07572).
 */
async function loadAngle(c: DuckDBConnection, axes: string[]): Promise<AnglePoint[]> {
  const rows = await rowsOf(
    c,
    `WITH tg AS (${trialGroupsSql(axes)}),
     k AS (SELECT tg."group", tg.width, k.step, len(k."values") AS p,
                  unnest(k."values") AS v, generate_subscripts(k."values", 1) - 1 AS i
           FROM kernels k JOIN tg USING (trial_id) WHERE k.split = 'probe_x0' AND k.row = 0),
     ends AS (SELECT "group", min(step) AS s0, max(step) AS s1 FROM k GROUP BY "group")
     SELECT k."group", width, step, i, p, count(*) AS n, avg(v) AS mean, stddev_samp(v) AS sd
     FROM k JOIN ends USING ("group") WHERE step = s0 OR step = s1
     GROUP BY ALL ORDER BY "group", width, step, i`,
  );
  return rows.map((r) => ({
    group: String(r.group),
    width: num(r.width),
    step: num(r.step),
    i: num(r.i),
    p: num(r.p),
    n: num(r.n),
    mean: num(r.mean),
    sd: numOrNull(r.sd),
  }));
}

/** Θ∞(x₀, probe_i) of each group (analytic, split `probe_x0`, through the trials' analytic_id). */
async function loadAnalyticAngle(c: DuckDBConnection, axes: string[]): Promise<AnalyticAnglePoint[]> {
  const rows = await rowsOf(
    c,
    `WITH ga AS (SELECT DISTINCT "group", analytic_id FROM (${trialGroupsSql(axes)})),
     a AS (SELECT ga."group", len(a."values") AS p, unnest(a."values") AS v, generate_subscripts(a."values", 1) - 1 AS i
           FROM analytic a JOIN ga USING (analytic_id)
           WHERE a.split = 'probe_x0' AND a.kind = 'analytic_ntk' AND a.row = 0)
     SELECT "group", i, p, avg(v) AS value FROM a GROUP BY ALL ORDER BY "group", i`,
  );
  return rows.map((r) => ({ group: String(r.group), i: num(r.i), p: num(r.p), value: num(r.value) }));
}

/**
 * Top eigenvalues of Θ∞ per group (spectra, kind `analytic_ntk`). They are the same for every trial
 * of a group, so one trial's rows per group are read, not all of them; parts keep their rows
 * sorted by trial, so DuckDB skips the row groups of other trials.
 */
async function loadAnalyticEigen(c: DuckDBConnection, axes: string[]): Promise<AnalyticEigen[]> {
  const rows = await rowsOf(
    c,
    `WITH reps AS (SELECT "group", min(trial_id) AS trial_id FROM (${trialGroupsSql(axes)}) GROUP BY "group")
     SELECT reps."group", s.rank, avg(s.eigenvalue) AS eigenvalue
     FROM spectra s JOIN reps USING (trial_id)
     WHERE s.kind = 'analytic_ntk' AND s.rank < ${TOP_RANKS}
     GROUP BY ALL ORDER BY "group", rank`,
  );
  return rows.map((r) => ({ group: String(r.group), rank: num(r.rank), eigenvalue: num(r.eigenvalue) }));
}

async function loadTrialList(
  c: DuckDBConnection,
  axes: string[],
  where: string,
): Promise<{ rows: TrialListing[]; total: number }> {
  const total = num((await rowsOf(c, `SELECT count(*) AS n FROM ${TRIALS} WHERE ${where}`))[0].n);
  const rows = await rowsOf(
    c,
    `SELECT trial_id, status, width, seed, lr, eta_crit, lr_over_crit, error, diverged_at_step, steps_done, attempts
            ${axes.map((a) => `, ${q(a)}`).join('')}
     FROM ${TRIALS} WHERE ${where}
     ORDER BY status, ${axes.map((a) => `${q(a)}, `).join('')}width, seed, trial_id LIMIT ${LIST_LIMIT}`,
  );
  return {
    total,
    rows: rows.map((r) => ({
      trial_id: String(r.trial_id),
      status: String(r.status),
      width: num(r.width),
      seed: num(r.seed),
      values: Object.fromEntries(axes.map((a) => [a, scalar(r[a])])),
      lr: num(r.lr),
      eta_crit: numOrNull(r.eta_crit),
      lr_over_crit: numOrNull(r.lr_over_crit),
      error: strOrNull(r.error),
      diverged_at_step: numOrNull(r.diverged_at_step),
      steps_done: num(r.steps_done),
      attempts: num(r.attempts),
    })),
  };
}

/** The text of a file of the run folder read through DuckDB (`read_text`), or null when absent. */
export async function readRunFile(c: DuckDBConnection, runDir: string, name: string): Promise<string | null> {
  const file = path.resolve(runDir, name);
  try {
    readFileSync(file); // existence and readability; DuckDB's own error for a missing file is a crash-looking one
  } catch {
    return null;
  }
  const rows = await rowsOf(c, `SELECT content FROM read_text(${quotedString(file)})`);
  return rows.length ? String(rows[0].content) : null;
}

/** Reads everything the report shows. Tables absent from the run folder give empty lists. */
export async function loadReportData(db: RunDatabase): Promise<ReportData> {
  const c = db.connection;
  const has = (t: string): boolean => (db.tables as readonly string[]).includes(t);
  const axes = has('summary') ? await groupAxesOf(c) : [];
  const withGroups = has('summary') && has('trials');
  if (has('trials')) await copyTrials(c, axes);
  try {
    return await loadWith(db, axes, withGroups);
  } finally {
    if (has('trials')) await c.run(`DROP TABLE IF EXISTS ${TRIALS}`);
  }
}

async function loadWith(db: RunDatabase, axes: string[], withGroups: boolean): Promise<ReportData> {
  const c = db.connection;
  const has = (t: string): boolean => (db.tables as readonly string[]).includes(t);

  const totalTrials = has('trials') ? num((await rowsOf(c, `SELECT count(*) AS n FROM ${TRIALS}`))[0].n) : 0;
  const statusCounts: CountBy<'status'>[] = has('trials')
    ? (await rowsOf(c, `SELECT status, count(*) AS n FROM ${TRIALS} GROUP BY status ORDER BY status`)).map((r) => ({
        key: { status: String(r.status) },
        n: num(r.n),
      }))
    : [];
  const backends: CountBy<'backend' | 'device'>[] = has('trials')
    ? (
        await rowsOf(
          c,
          `SELECT backend, device, count(*) AS n FROM ${TRIALS} GROUP BY ALL ORDER BY n DESC, backend, device`,
        )
      ).map((r) => ({ key: { backend: String(r.backend), device: String(r.device) }, n: num(r.n) }))
    : [];
  const widths = has('trials')
    ? (await rowsOf(c, `SELECT DISTINCT width FROM ${TRIALS} ORDER BY width`)).map((r) => num(r.width))
    : [];
  const depths = has('trials')
    ? (await rowsOf(c, `SELECT DISTINCT depth FROM ${TRIALS} ORDER BY depth`)).map((r) => num(r.depth))
    : [];
  const seedCount = has('trials') ? num((await rowsOf(c, `SELECT count(DISTINCT seed) AS n FROM ${TRIALS}`))[0].n) : 0;

  const flagged = has('trials') ? await loadTrialList(c, axes, 'lr_over_crit > 1') : { rows: [], total: 0 };
  const problems = has('trials') ? await loadTrialList(c, axes, "status <> 'ok'") : { rows: [], total: 0 };

  return {
    runDir: db.runDir,
    tables: db.tables,
    groupAxes: axes,
    groups: has('summary') ? await loadGroups(c, axes) : [],
    totalTrials,
    statusCounts,
    widths,
    depths,
    seedCount,
    backends,
    summary: has('summary') ? await loadSummary(c) : [],
    fits: has('fits') ? await loadFits(c) : [],
    angle: withGroups && has('kernels') ? await loadAngle(c, axes) : [],
    analyticAngle: withGroups && has('analytic') ? await loadAnalyticAngle(c, axes) : [],
    analyticEigen: withGroups && has('spectra') ? await loadAnalyticEigen(c, axes) : [],
    flagged: flagged.rows,
    flaggedTotal: flagged.total,
    problems: problems.rows,
    problemsTotal: problems.total,
    manifestText: await readRunFile(c, db.runDir, MANIFEST_FILE),
    configText: await readRunFile(c, db.runDir, CONFIG_FILE),
  };
}
