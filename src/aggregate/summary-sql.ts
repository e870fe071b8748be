/**
 * The summary table in DuckDB SQL over a run's views (src/query/run-views.ts). Temporary tables,
 * each built from the previous; every Parquet table is scanned once, since with thousands of small
 * files a scan costs more than the sums:
 *   agg_trial_rows  the trials columns the aggregation uses (one scan of trials)
 *   agg_trials      one row per trial: status, group index gi, width, width index wi, seed slot
 *   agg_groups      gi → the group's label and axis values
 *   agg_cells       gi × width: trials, failed, diverged, ok
 *   agg_spectra     top empirical eigenvalues of ok trials (one scan of spectra)
 *   agg_curves      gi × width × step: every curve metric's aggregates, and the per-seed values at fit points
 *   agg_finals      gi × width: the trials' final metrics' aggregates
 *   agg_curves_cells agg_curves with the cells' counts and group columns
 *   agg_summary     gi × width × source × metric × step: n, mean, sd over ok trials, with the
 *                   cell counts, standard errors and t-based 95% CIs
 * Means over seeds are taken wide (one pass over curves computes every metric's aggregates), and
 * only the aggregates are turned long: the raw curves are never unpivoted.
 */
import quantile from '@stdlib/stats-base-dists-t-quantile';
import { quotedIdentifier as qi, quotedString as qs, type DuckDBConnection } from '@duckdb/node-api';
import { PARAMETER_COLUMNS } from '../config/parameters.js';
import {
  GROUP_CANDIDATES,
  REQUIRED_TRIAL_COLUMNS,
  axisSourceColumns,
  describeColumns,
  type ColumnInfo,
  type GroupAxis,
} from './group-axes.js';

/** How many of the empirical NTK's top eigenvalues become summary metrics (`eigenvalue_0` = λ_max). */
export const TOP_EIGENVALUES = 5;

/** Trial metrics aggregated from `trials` (one value per trial): numeric columns with these prefixes. */
const TRIAL_METRIC_PREFIXES = ['final_', 'test_loss_'];

const FLOATING = new Set(['DOUBLE', 'FLOAT']);

const PARAMETERS: ReadonlySet<string> = new Set(PARAMETER_COLUMNS);

/** Metrics of `curves`: its floating-point columns but the keys and the trial's parameters (`lr`, `w_std`, …). */
export function curveMetrics(columns: readonly ColumnInfo[]): string[] {
  return columns.filter((c) => FLOATING.has(c.type) && c.name !== 'step' && !PARAMETERS.has(c.name)).map((c) => c.name);
}

/** Metrics of `trials`: final values and kernel-regression test losses. */
export function trialMetrics(columns: readonly ColumnInfo[]): string[] {
  return columns
    .filter((c) => FLOATING.has(c.type) && TRIAL_METRIC_PREFIXES.some((p) => c.name.startsWith(p)))
    .map((c) => c.name);
}

/** A value usable in a mean: finite, as DOUBLE; NULL otherwise. */
export const finite = (expr: string): string =>
  `CASE WHEN isfinite(CAST(${expr} AS DOUBLE)) THEN CAST(${expr} AS DOUBLE) END`;

/** The group's label: `depth=3, lr=0.5`, or `all` when there are no group axes. */
function labelSql(axes: readonly GroupAxis[]): string {
  if (axes.length === 0) return `'all'`;
  return `concat_ws(', ', ${axes.map((a) => `${qs(`${a.name}=`)} || coalesce(CAST(${qi(a.name)} AS VARCHAR), 'NULL')`).join(', ')})`;
}

/**
 * agg_trial_rows: the columns of `trials` that the aggregation reads — keys, what the group axes
 * are found from (src/aggregate/group-axes.ts), `steps`, the metrics — in one scan.
 */
export async function copyTrialRows(
  connection: DuckDBConnection,
  columns: readonly ColumnInfo[],
  metrics: readonly string[],
): Promise<void> {
  const wanted = new Set<string>([...REQUIRED_TRIAL_COLUMNS, ...axisSourceColumns(columns), 'steps', ...metrics]);
  const cols = columns.filter((c) => wanted.has(c.name)).map((c) => qi(c.name));
  await connection.run(`CREATE OR REPLACE TEMP TABLE agg_trial_rows AS SELECT ${cols.join(', ')} FROM trials`);
}

/** Adds the candidate group columns of `trials` that agg_trial_rows lacks (when params_json could not tell the axes). */
export async function addCandidateColumns(connection: DuckDBConnection, columns: readonly ColumnInfo[]): Promise<void> {
  const have = new Set((await describeColumns(connection, 'agg_trial_rows')).map((c) => c.name));
  const add = columns.filter((c) => GROUP_CANDIDATES.includes(c.name) && !have.has(c.name)).map((c) => qi(c.name));
  if (add.length === 0) return;
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE agg_trial_rows AS
    SELECT r.*, ${add.map((c) => `t.${c}`).join(', ')} FROM agg_trial_rows r JOIN trials t ON t.trial_id = r.trial_id`);
}

/** Builds agg_trials, agg_groups and agg_cells from agg_trial_rows. */
export async function prepareTrials(connection: DuckDBConnection, axes: readonly GroupAxis[]): Promise<void> {
  const axisCols = axes.map((a) => `${a.sql} AS ${qi(a.name)}`);
  const axisNames = axes.map((a) => qi(a.name));
  const gi = axes.length ? `CAST(dense_rank() OVER (ORDER BY ${axisNames.join(', ')}) - 1 AS INTEGER)` : '0';
  // `steps` (the last logged step) marks a fit point in curves; keep it unless it is a group axis already.
  const rowCols = await describeColumns(connection, 'agg_trial_rows');
  const steps = rowCols.some((c) => c.name === 'steps') && !axes.some((a) => a.name === 'steps') ? ', steps' : '';
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE agg_base AS
    SELECT trial_id, status, CAST(width AS INTEGER) AS width, seed${steps}${axisCols.map((c) => `, ${c}`).join('')}
    FROM agg_trial_rows`);
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE agg_trials AS
    SELECT *, ${gi} AS gi, ${labelSql(axes)} AS "group",
      CAST(dense_rank() OVER (PARTITION BY ${axes.length ? axisNames.join(', ') : '1'} ORDER BY width) - 1 AS INTEGER) AS wi,
      CAST(row_number() OVER (PARTITION BY ${[...axisNames, 'width', `status = 'ok'`].join(', ')} ORDER BY seed, trial_id) - 1 AS INTEGER) AS slot
    FROM agg_base`);
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE agg_groups AS
    SELECT DISTINCT gi, "group"${axisNames.map((n) => `, ${n}`).join('')} FROM agg_trials`);
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE agg_cells AS
    SELECT gi, width, wi,
      CAST(count(*) AS INTEGER) AS n_trials,
      CAST(count(*) FILTER (WHERE status = 'failed') AS INTEGER) AS n_failed,
      CAST(count(*) FILTER (WHERE status = 'diverged') AS INTEGER) AS n_diverged,
      CAST(count(*) FILTER (WHERE status = 'ok') AS INTEGER) AS n_ok
    FROM agg_trials GROUP BY gi, width, wi`);
}

/** count, avg and stddev_samp of a value, as columns suffixed `_i` (no min/max: over 10⁷ rows each costs as much as the mean). */
function stats(value: string, i: number): string {
  return [
    `CAST(count(${value}) AS INTEGER) AS n_${i}`,
    `avg(${value}) AS mean_${i}`,
    `stddev_samp(${value}) AS sd_${i}`,
  ].join(', ');
}

/**
 * Long rows of a wide aggregate table (already joined with its cell's counts), one SELECT per
 * metric; `key` orders the metrics of the file (sources, then metrics, alphabetically).
 */
function unwide(
  table: string,
  axes: readonly GroupAxis[],
  source: string,
  metrics: readonly string[],
  step: string,
  key: (m: string) => number,
): string[] {
  const keep = `"group", ${axes.map((a) => `${qi(a.name)}, `).join('')}width, gi, wi, n_trials, n_failed, n_diverged`;
  return metrics.map(
    (m, i) =>
      `SELECT ${keep}, ${qs(source)} AS source, ${qs(m)} AS metric, ${key(m)} AS mk, ${step} AS step, ` +
      `n_${i} AS n, mean_${i} AS mean, sd_${i} AS sd FROM ${table} WHERE n_${i} > 0`,
  );
}

export interface SummaryMetrics {
  curves: string[];
  trials: string[];
  /** Whether the spectra table is there (its top empirical eigenvalues become metrics). */
  spectra: boolean;
}

/** Curve metrics that exist only at kernel snapshots: rows where they are present are snapshots. */
export const SNAPSHOT_METRICS = ['kernel_rel_err', 'kernel_drift'] as const;

/**
 * agg_curves: per gi × width × step, the aggregates of every curve metric over ok trials, from one
 * scan of curves. The same scan keeps the per-seed values at the steps where a width study is read
 * (the fit points: step 0, the last step `steps`, and every kernel snapshot) as a list of
 * structs {slot, v_0, v_1, …} (`points`), so the bootstrap needs no second pass over thousands of files.
 */
function curvesSql(curveMetrics: readonly string[], hasSteps: boolean): string {
  const point = [
    'c.step = 0',
    ...(hasSteps ? ['c.step = a.steps'] : []),
    ...SNAPSHOT_METRICS.filter((m) => curveMetrics.includes(m)).map((m) => `c.${qi(m)} IS NOT NULL`),
  ].join(' OR ');
  return `
    CREATE OR REPLACE TEMP TABLE agg_curves AS
    SELECT gi, width, step, ${curveMetrics.map((_, i) => stats(`v_${i}`, i)).join(', ')},
      bool_or(pt) AS pt,
      list({'slot': slot, ${curveMetrics.map((_, i) => `'v_${i}': v_${i}`).join(', ')}}) FILTER (WHERE pt) AS points
    FROM (
      SELECT a.gi, a.width, a.slot, CAST(c.step AS INTEGER) AS step, (${point}) AS pt,
        ${curveMetrics.map((m, i) => `${finite(`c.${qi(m)}`)} AS v_${i}`).join(', ')}
      FROM curves c JOIN agg_trials a ON a.trial_id = c.trial_id
      WHERE a.status = 'ok'
    )
    GROUP BY gi, width, step`;
}

/** Builds agg_curves, agg_finals, agg_spectra and agg_summary from agg_trials; returns the number of summary rows. */
export async function buildSummary(
  connection: DuckDBConnection,
  axes: readonly GroupAxis[],
  metrics: SummaryMetrics,
): Promise<number> {
  const hasSteps = (await describeColumns(connection, 'agg_trials')).some((c) => c.name === 'steps');
  // Cell counts and group columns, joined to the wide tables (few rows) rather than to the long result.
  const axisCols = axes.map((a) => `, g.${qi(a.name)}`).join('');
  const cell = (alias: string) =>
    `SELECT g."group"${axisCols}, c.n_trials, c.n_failed, c.n_diverged, c.wi, ${alias}.* ` +
    `FROM agg_cells c JOIN agg_groups g ON g.gi = c.gi JOIN`;
  const keys = [
    ...metrics.curves.map((m) => `curves/${m}`),
    ...metrics.trials.map((m) => `trials/${m}`),
    'spectra/',
  ].sort();
  const key = (source: string) => (m: string) => keys.indexOf(`${source}/${m}`) * (TOP_EIGENVALUES + 1);
  const parts: string[] = [];
  if (metrics.curves.length) {
    await connection.run(curvesSql(metrics.curves, hasSteps));
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE agg_curves_cells AS ${cell('w')} (SELECT * EXCLUDE (points) FROM agg_curves) w ON w.gi = c.gi AND w.width = c.width`,
    );
    parts.push(...unwide('agg_curves_cells', axes, 'curves', metrics.curves, 'step', key('curves')));
  }
  if (metrics.trials.length) {
    await connection.run(`
      CREATE OR REPLACE TEMP TABLE agg_finals AS
      ${cell('w')} (
        SELECT a.gi, a.width, ${metrics.trials.map((m, i) => stats(finite(`t.${qi(m)}`), i)).join(', ')}
        FROM agg_trial_rows t JOIN agg_trials a ON a.trial_id = t.trial_id
        WHERE a.status = 'ok'
        GROUP BY a.gi, a.width
      ) w ON w.gi = c.gi AND w.width = c.width`);
    parts.push(...unwide('agg_finals', axes, 'trials', metrics.trials, 'CAST(NULL AS INTEGER)', key('trials')));
  }
  if (metrics.spectra) {
    await connection.run(`
      CREATE OR REPLACE TEMP TABLE agg_spectra AS
      SELECT a.gi, a.width, a.wi, a.slot, CAST(s.step AS INTEGER) AS step, CAST(s."rank" AS INTEGER) AS "rank",
        'eigenvalue_' || CAST(s."rank" AS VARCHAR) AS metric, ${finite('s.eigenvalue')} AS value
      FROM spectra s JOIN agg_trials a ON a.trial_id = s.trial_id
      WHERE a.status = 'ok' AND s.kind = 'empirical' AND s."rank" < ${TOP_EIGENVALUES}`);
    parts.push(`
      ${cell('w')} (
        SELECT gi, width, 'spectra' AS source, metric, ${key('spectra')('')} + "rank" AS mk, step,
          CAST(count(value) AS INTEGER) AS n, avg(value) AS mean, stddev_samp(value) AS sd
        FROM agg_spectra GROUP BY gi, width, metric, "rank", step HAVING count(value) > 0
      ) w ON w.gi = c.gi AND w.width = c.width`);
  }
  const columns = summaryColumns(axes).map(qi).join(', ');
  if (parts.length === 0) {
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE agg_summary AS SELECT * FROM (${emptySummary(axes)}) WHERE false`,
    );
    return 0;
  }
  const t = await tQuantileList(connection);
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE agg_summary AS
    SELECT ${columns.replace('"se", "ci_low", "ci_high"', `sd / sqrt(n) AS se, mean - ${t}[n - 1] * sd / sqrt(n) AS ci_low, mean + ${t}[n - 1] * sd / sqrt(n) AS ci_high`)}, gi, wi, mk
    FROM (${parts.map((p) => `SELECT "group"${axes.map((a) => `, ${qi(a.name)}`).join('')}, width, source, metric, mk, step, n_trials, n_failed, n_diverged, n, mean, sd, gi, wi FROM (${p})`).join('\nUNION ALL\n')})`);
  const count = await connection.runAndReadAll('SELECT count(*) FROM agg_summary');
  return Number(count.getRows()[0][0]);
}

/** A SELECT with the summary's columns and no row, for a run without metrics. */
function emptySummary(axes: readonly GroupAxis[]): string {
  return `SELECT CAST(NULL AS VARCHAR) AS "group"${axes.map((a) => `, CAST(NULL AS ${a.type}) AS ${qi(a.name)}`).join('')},
    CAST(NULL AS INTEGER) AS width, CAST(NULL AS VARCHAR) AS source, CAST(NULL AS VARCHAR) AS metric, CAST(NULL AS INTEGER) AS step,
    CAST(NULL AS INTEGER) AS n_trials, CAST(NULL AS INTEGER) AS n_failed, CAST(NULL AS INTEGER) AS n_diverged, CAST(NULL AS INTEGER) AS n,
    CAST(NULL AS DOUBLE) AS mean, CAST(NULL AS DOUBLE) AS sd, CAST(NULL AS DOUBLE) AS se, CAST(NULL AS DOUBLE) AS ci_low,
    CAST(NULL AS DOUBLE) AS ci_high, CAST(NULL AS INTEGER) AS gi, CAST(NULL AS INTEGER) AS wi, CAST(NULL AS INTEGER) AS mk`;
}

/**
 * t(0.975, df) for df = 1 … (largest cell's ok trials − 1) as a DuckDB list literal, from stdlib's
 * Student-t quantile: `list[n − 1]` is the factor of a mean over n values (NULL for n = 1).
 */
async function tQuantileList(connection: DuckDBConnection): Promise<string> {
  const maxN = Number((await connection.runAndReadAll('SELECT coalesce(max(n_ok), 0) FROM agg_cells')).getRows()[0][0]);
  const ts: string[] = [];
  for (let df = 1; df < Math.max(2, maxN); df++) ts.push(String(quantile(0.975, df)));
  return `CAST([${ts.join(', ')}] AS DOUBLE[])`;
}

/** The summary's columns in file order (the group axes between `group` and `width`). */
export function summaryColumns(axes: readonly GroupAxis[]): string[] {
  return [
    'group',
    ...axes.map((a) => a.name),
    'width',
    'source',
    'metric',
    'step',
    'n_trials',
    'n_failed',
    'n_diverged',
    'n',
    'mean',
    'sd',
    'se',
    'ci_low',
    'ci_high',
  ];
}

/** SELECT of the summary's rows in file order: group, source, metric, step, width. */
export function summarySelect(axes: readonly GroupAxis[]): string {
  return `SELECT ${summaryColumns(axes).map(qi).join(', ')} FROM agg_summary ORDER BY gi, mk, step NULLS FIRST, width`;
}
