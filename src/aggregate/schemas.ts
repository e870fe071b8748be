/**
 * The aggregation's tables (docs/design.md §10), written to RUN/summary/summary.parquet and
 * RUN/fits/fits.parquet by `aggregateRun` (src/aggregate/aggregate-run.ts).
 *
 * A *group* is one combination of the grid axes other than width and seed (e.g. depth = 3,
 * lr = 0.5), found from the trials' params_json (src/aggregate/group-axes.ts); each group axis is
 * also a column of its own between `group` and `width` (summary) or `source` (fits), named and
 * typed as in `trials` (`depth`, int32) or, for parameters without a trials column, named by its
 * path (`ntk.probe.n`) and typed from its values. A *cell* is a group × width: its
 * trials differ only by seed. Failed and diverged trials count in `n_trials`, `n_failed` and
 * `n_diverged` but never in the statistics.
 *
 * summary — one row per group × width × source × metric × step:
 * | column | type | meaning |
 * |---|---|---|
 * | group | utf8 | the group as text, `depth=3, lr=0.5` (`all` when only width and seed vary) |
 * | (group axes) | as in trials | one column per group axis (see above) |
 * | width | int32 | hidden-layer width |
 * | source | utf8 | the table the metric comes from: `curves` (per logged step), `trials` (final values), `spectra` (`eigenvalue_<rank>` of the empirical NTK at each snapshot) |
 * | metric | utf8 | the column name (`kernel_rel_err`, `final_test_loss`, `eigenvalue_0`, …) |
 * | step | int32, null | training step; null for `trials` metrics |
 * | n_trials | int32 | trials in the cell, any status |
 * | n_failed, n_diverged | int32 | of those, failed / diverged (excluded) |
 * | n | int32 | values averaged: trials with status ok and a finite value at this step |
 * | mean | float64 | mean over seeds |
 * | sd | float64, null | sample standard deviation (null when n < 2) |
 * | se | float64, null | standard error sd/√n |
 * | ci_low, ci_high | float64, null | 95% confidence interval mean ± t(0.975, n − 1)·se |
 *
 * fits — one row per group × source × metric × step, for the steps where a width study is read
 * (curves: step 0, the last step `steps` and every kernel snapshot; every spectra snapshot;
 * trials' final metrics with step null): the least-squares line
 * log(mean) = intercept + slope·log(width) through the cells' means, and a bootstrap CI of the
 * slope that resamples seeds within each width (1 000 resamples, seeded: reruns give the same CI).
 * | column | type | meaning |
 * |---|---|---|
 * | group, (group axes), source, metric, step | as in summary | |
 * | n_widths | int32 | widths with at least one value |
 * | n | int32 | values (ok trials) over all widths |
 * | n_failed, n_diverged | int32 | trials of the group excluded |
 * | min_width, max_width | int32, null | range of widths fitted |
 * | slope | float64, null | d log(metric) / d log(width); null when no fit (see reason) |
 * | intercept | float64, null | log(metric) at width 1 |
 * | r2 | float64, null | coefficient of determination of the fit through the means (1 when the means do not vary beyond rounding) |
 * | slope_ci_low, slope_ci_high | float64, null | 95% percentile bootstrap CI of the slope |
 * | bootstrap_resamples | int32 | resamples the CI is made of (those where every mean was > 0) |
 * | reason | utf8, null | why there is no slope: `one width`, `non-positive mean` (log undefined); null when fitted |
 */
import * as arrow from 'apache-arrow';

/** One summary row; `groupValues` holds the group-axis columns. */
export interface SummaryRow {
  group: string;
  groupValues: Record<string, unknown>;
  width: number;
  source: MetricSource;
  metric: string;
  step: number | null;
  n_trials: number;
  n_failed: number;
  n_diverged: number;
  n: number;
  mean: number;
  sd: number | null;
  se: number | null;
  ci_low: number | null;
  ci_high: number | null;
}

/** One fits row; `groupValues` holds the group-axis columns. */
export interface FitRow {
  group: string;
  groupValues: Record<string, unknown>;
  source: MetricSource;
  metric: string;
  step: number | null;
  n_widths: number;
  n: number;
  n_failed: number;
  n_diverged: number;
  min_width: number | null;
  max_width: number | null;
  slope: number | null;
  intercept: number | null;
  r2: number | null;
  slope_ci_low: number | null;
  slope_ci_high: number | null;
  bootstrap_resamples: number;
  reason: FitReason | null;
}

export type MetricSource = 'curves' | 'trials' | 'spectra';
export type FitReason = 'one width' | 'non-positive mean';

const f = (name: string, type: arrow.DataType, nullable = false): arrow.Field => new arrow.Field(name, type, nullable);

/** Summary columns after the group axes. */
export const SUMMARY_FIELDS: readonly arrow.Field[] = [
  f('width', new arrow.Int32()),
  f('source', new arrow.Utf8()),
  f('metric', new arrow.Utf8()),
  f('step', new arrow.Int32(), true),
  f('n_trials', new arrow.Int32()),
  f('n_failed', new arrow.Int32()),
  f('n_diverged', new arrow.Int32()),
  f('n', new arrow.Int32()),
  f('mean', new arrow.Float64()),
  f('sd', new arrow.Float64(), true),
  f('se', new arrow.Float64(), true),
  f('ci_low', new arrow.Float64(), true),
  f('ci_high', new arrow.Float64(), true),
];

/** Fits columns after the group axes. */
export const FIT_FIELDS: readonly arrow.Field[] = [
  f('source', new arrow.Utf8()),
  f('metric', new arrow.Utf8()),
  f('step', new arrow.Int32(), true),
  f('n_widths', new arrow.Int32()),
  f('n', new arrow.Int32()),
  f('n_failed', new arrow.Int32()),
  f('n_diverged', new arrow.Int32()),
  f('min_width', new arrow.Int32(), true),
  f('max_width', new arrow.Int32(), true),
  f('slope', new arrow.Float64(), true),
  f('intercept', new arrow.Float64(), true),
  f('r2', new arrow.Float64(), true),
  f('slope_ci_low', new arrow.Float64(), true),
  f('slope_ci_high', new arrow.Float64(), true),
  f('bootstrap_resamples', new arrow.Int32()),
  f('reason', new arrow.Utf8(), true),
];

/** The summary table's schema for the given group-axis columns. Inverse reader: `readSummary`. */
export function summarySchema(groupFields: readonly arrow.Field[]): arrow.Schema {
  return new arrow.Schema([f('group', new arrow.Utf8()), ...groupFields, ...SUMMARY_FIELDS]);
}

/** The fits table's schema for the given group-axis columns. Inverse reader: `readFits`. */
export function fitsSchema(groupFields: readonly arrow.Field[]): arrow.Schema {
  return new arrow.Schema([f('group', new arrow.Utf8()), ...groupFields, ...FIT_FIELDS]);
}
