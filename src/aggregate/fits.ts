/**
 * The fits table: for each group × metric at the steps where a width study is read, the
 * least-squares slope of log(mean) on log(width) with R² (DuckDB's regr_slope / regr_intercept /
 * regr_r2 over the summary's means), and its bootstrap CI over seeds computed here from the
 * per-seed values (src/aggregate/log-log-fit.ts). Needs the temporary tables of summary-sql.ts.
 */
import { quotedIdentifier as qi, quotedString as qs, type DuckDBConnection } from '@duckdb/node-api';
import { unfittedMetrics } from '../metrics/catalogue.js';
import { makeRng } from '../rng.js';
import type { GroupAxis } from './group-axes.js';
import { bootstrapSlopeCI, makeResamplePlan, type ResamplePlan } from './log-log-fit.js';
import type { FitReason, FitRow, MetricSource } from './schemas.js';
import { finite, type SummaryMetrics } from './summary-sql.js';

export interface FitOptions {
  /** Bootstrap replicates per fit (default 1000). */
  resamples: number;
  /** Seed of the resampling (default 0): the same run folder and seed give the same CIs. */
  seed: number;
}

/**
 * agg_fit_keys: one row per fit with its point estimates. Curves are fitted at the fit points that
 * agg_curves marks (step 0, the last step and every kernel snapshot); trials' final metrics and
 * spectra at every step they have. Metrics without a width exponent (losses, see
 * src/metrics/catalogue.ts) get no fit.
 */
async function buildFitKeys(connection: DuckDBConnection, hasCurves: boolean): Promise<void> {
  const curvePoints = hasCurves
    ? `SELECT s.* FROM agg_summary s
      WHERE s.source = 'curves' AND EXISTS (SELECT 1 FROM agg_curves c WHERE c.pt AND c.gi = s.gi AND c.step = s.step)
      UNION ALL`
    : '';
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE agg_fit_keys AS
    WITH points AS (
      ${curvePoints}
      SELECT * FROM agg_summary WHERE source <> 'curves'
    )
    SELECT CAST(row_number() OVER (ORDER BY gi, source, metric, step NULLS FIRST) - 1 AS INTEGER) AS fit_id,
      gi, source, metric, step,
      CAST(count(*) AS INTEGER) AS n_widths,
      CAST(sum(n) AS INTEGER) AS n,
      min(width) AS min_width, max(width) AS max_width,
      bool_and(mean > 0) AS positive,
      regr_slope(CASE WHEN mean > 0 THEN ln(mean) END, ln(width)) AS slope,
      regr_intercept(CASE WHEN mean > 0 THEN ln(mean) END, ln(width)) AS intercept,
      regr_r2(CASE WHEN mean > 0 THEN ln(mean) END, ln(width)) AS r2,
      var_pop(CASE WHEN mean > 0 THEN ln(mean) END) AS var_y,
      max(CASE WHEN mean > 0 THEN abs(ln(mean)) END) AS scale_y,
      list(wi ORDER BY wi) AS wis
    FROM points
    WHERE metric NOT IN (${unfittedMetrics().map(qs).join(', ')})
    GROUP BY gi, source, metric, step`);
}

/** Per-seed values of every fit: (fit_id, width index, seed slot, value), ok trials only. */
function perSeedSql(metrics: SummaryMetrics): string {
  const parts: string[] = [];
  metrics.curves.forEach((m, i) => {
    parts.push(`
      SELECT k.fit_id, cell.wi, p.slot, p.value
      FROM (SELECT gi, width, step, u.slot AS slot, u.v_${i} AS value FROM (SELECT gi, width, step, unnest(points) AS u FROM agg_curves WHERE pt)) p
      JOIN agg_cells cell ON cell.gi = p.gi AND cell.width = p.width
      JOIN agg_fit_keys k ON k.gi = p.gi AND k.source = 'curves' AND k.metric = ${qs(m)} AND k.step = p.step`);
  });
  for (const m of metrics.trials) {
    parts.push(`
      SELECT k.fit_id, a.wi, a.slot, ${finite(`t.${qi(m)}`)} AS value
      FROM agg_trial_rows t
      JOIN agg_trials a ON a.trial_id = t.trial_id
      JOIN agg_fit_keys k ON k.gi = a.gi AND k.source = 'trials' AND k.metric = ${qs(m)}
      WHERE a.status = 'ok'`);
  }
  if (metrics.spectra) {
    parts.push(`
      SELECT k.fit_id, s.wi, s.slot, s.value
      FROM agg_spectra s
      JOIN agg_fit_keys k ON k.gi = s.gi AND k.source = 'spectra' AND k.step = s.step AND k.metric = s.metric`);
  }
  return `SELECT * FROM (${parts.join('\nUNION ALL\n')}) WHERE value IS NOT NULL`;
}

interface Cells {
  /** Per group: widths (by width index), ok trials per width, failed and diverged trials of the group. */
  widths: number[];
  counts: number[];
  failed: number;
  diverged: number;
}

async function readCells(connection: DuckDBConnection): Promise<Map<number, Cells>> {
  const rows = (
    await connection.runAndReadAll('SELECT gi, wi, width, n_ok, n_failed, n_diverged FROM agg_cells ORDER BY gi, wi')
  ).getRows();
  const cells = new Map<number, Cells>();
  for (const [gi, wi, width, ok, failed, diverged] of rows as number[][]) {
    let c = cells.get(gi);
    if (!c) cells.set(gi, (c = { widths: [], counts: [], failed: 0, diverged: 0 }));
    c.widths[wi] = width;
    c.counts[wi] = ok;
    c.failed += failed;
    c.diverged += diverged;
  }
  return cells;
}

/**
 * R² of a fit. Means that do not depend on width differ only by rounding (their logs agree to
 * ~1e-16), and R² of rounding noise is arbitrary: such points lie on a horizontal line, R² = 1
 * (as DuckDB says for exactly equal ones). Otherwise DuckDB's value, clamped to [0, 1] (its
 * streaming formula can land an ulp outside).
 */
function r2Of(k: Record<string, unknown>): number | null {
  if (k.r2 === null || k.r2 === undefined) return null;
  const flat = Number(k.var_y) <= (1e-12 * Math.max(1, Number(k.scale_y))) ** 2;
  return flat ? 1 : Math.min(1, Math.max(0, Number(k.r2)));
}

/** The fits rows (builds agg_fit_keys; reads agg_groups for the axis values). */
export async function computeFits(
  connection: DuckDBConnection,
  axes: readonly GroupAxis[],
  metrics: SummaryMetrics,
  options: FitOptions,
): Promise<FitRow[]> {
  await buildFitKeys(connection, metrics.curves.length > 0);
  const cells = await readCells(connection);
  const groups = new Map<number, { label: string; values: Record<string, unknown> }>();
  for (const g of (await connection.runAndReadAll('SELECT * FROM agg_groups')).getRowObjectsJS()) {
    const values: Record<string, unknown> = {};
    // int64 axes come back as bigint; rows carry plain numbers (as readFits gives them).
    for (const a of axes) values[a.name] = typeof g[a.name] === 'bigint' ? Number(g[a.name]) : g[a.name];
    groups.set(Number(g.gi), { label: String(g.group), values });
  }
  const keys = (await connection.runAndReadAll('SELECT * FROM agg_fit_keys ORDER BY fit_id')).getRowObjectsJS();
  if (keys.length === 0) return [];

  // Per-seed values, scattered into per-fit, per-width arrays (NaN where a trial has no value).
  const values: Float64Array[][] = keys.map((k) => {
    const c = cells.get(Number(k.gi))!;
    return c.counts.map((n) => new Float64Array(n).fill(Number.NaN));
  });
  const reader = await connection.runAndReadAll(perSeedSql(metrics));
  const [fitIds, wis, slots, vals] = reader.getColumns() as number[][];
  for (let i = 0; i < fitIds.length; i++) values[fitIds[i]][wis[i]][slots[i]] = vals[i];

  const plans = new Map<number, ResamplePlan>();
  const planOf = (gi: number): ResamplePlan => {
    let plan = plans.get(gi);
    if (!plan) {
      const rng = makeRng(options.seed, `bootstrap/${groups.get(gi)!.label}`);
      plans.set(gi, (plan = makeResamplePlan(cells.get(gi)!.counts, options.resamples, rng.uniform)));
    }
    return plan;
  };

  return keys.map((k, fitId) => {
    const gi = Number(k.gi);
    const c = cells.get(gi)!;
    const group = groups.get(gi)!;
    const nWidths = Number(k.n_widths);
    const reason: FitReason | null = nWidths < 2 ? 'one width' : k.positive ? null : 'non-positive mean';
    let ci = { low: null as number | null, high: null as number | null, used: 0 };
    if (reason === null) {
      const use = (k.wis as number[]).map(Number);
      const logWidths = c.widths.map(Math.log);
      const b = bootstrapSlopeCI(planOf(gi), values[fitId], logWidths, use);
      ci = { low: Number.isNaN(b.low) ? null : b.low, high: Number.isNaN(b.high) ? null : b.high, used: b.used };
    }
    const num = (v: unknown): number | null => (reason === null && v !== null && v !== undefined ? Number(v) : null);
    return {
      group: group.label,
      groupValues: group.values,
      source: k.source as MetricSource,
      metric: String(k.metric),
      step: k.step === null ? null : Number(k.step),
      n_widths: nWidths,
      n: Number(k.n),
      n_failed: c.failed,
      n_diverged: c.diverged,
      min_width: Number(k.min_width),
      max_width: Number(k.max_width),
      slope: num(k.slope),
      intercept: num(k.intercept),
      r2: reason === null ? r2Of(k) : null,
      slope_ci_low: ci.low,
      slope_ci_high: ci.high,
      bootstrap_resamples: ci.used,
      reason,
    };
  });
}
