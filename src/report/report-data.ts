/**
 * What a report shows, as read from the run folder by ./queries.ts: plain rows, one interface per
 * query. The aggregation's own columns (src/aggregate/schemas.ts) keep their names here.
 */
import type { FitRow } from '../aggregate/schemas.js';

/** A group of the width study (`depth=3, lr=0.5`, or `all`) and its axis values. */
export interface GroupInfo {
  group: string;
  /** Group-axis column → value (the columns of `summary` between `group` and `width`). */
  values: Record<string, string | number | null>;
}

/** A summary row (one group × width × source × metric × step). */
export interface SummaryPoint {
  group: string;
  width: number;
  source: string;
  metric: string;
  step: number | null;
  n: number;
  mean: number;
  ci_low: number | null;
  ci_high: number | null;
}

/** A fits row (one group × source × metric × step) as the report reads it back: names as text. */
export type FitPoint = Omit<FitRow, 'groupValues' | 'bootstrap_resamples' | 'source' | 'reason'> & {
  source: string;
  reason: string | null;
};

/** Θ̂(x₀, probe_i) averaged over the seeds of one group × width × step (i = probe index, of p). */
export interface AnglePoint {
  group: string;
  width: number;
  step: number;
  i: number;
  p: number;
  n: number;
  mean: number;
  sd: number | null;
}

/** Θ∞(x₀, probe_i) of one group. */
export interface AnalyticAnglePoint {
  group: string;
  i: number;
  p: number;
  value: number;
}

/** The analytic NTK's eigenvalue of rank `rank` for one group. */
export interface AnalyticEigen {
  group: string;
  rank: number;
  eigenvalue: number;
}

/** A trial as listed in the report's trial tables. */
export interface TrialListing {
  trial_id: string;
  status: string;
  width: number;
  seed: number;
  /** Group-axis values (columns of `trials`). */
  values: Record<string, string | number | null>;
  lr: number;
  eta_crit: number | null;
  lr_over_crit: number | null;
  error: string | null;
  diverged_at_step: number | null;
  steps_done: number;
  attempts: number;
}

export interface CountBy<K extends string> {
  key: Record<K, string>;
  n: number;
}

/** The depth of a group's networks: its axis value, or the run's only depth; null when unknown. */
export function groupDepth(d: Pick<ReportData, 'groups' | 'depths'>, group: string): number | null {
  const v = d.groups.find((g) => g.group === group)?.values.depth;
  if (typeof v === 'number') return v;
  return d.depths.length === 1 ? d.depths[0] : null;
}

/** Everything the report shows. */
export interface ReportData {
  runDir: string;
  tables: readonly string[];
  /** Group-axis column names (those of `summary` between `group` and `width`). */
  groupAxes: string[];
  groups: GroupInfo[];
  totalTrials: number;
  statusCounts: CountBy<'status'>[];
  widths: number[];
  /** Distinct network depths of the trials (a group's depth when depth is no group axis and there is one). */
  depths: number[];
  seedCount: number;
  backends: CountBy<'backend' | 'device'>[];
  summary: SummaryPoint[];
  fits: FitPoint[];
  angle: AnglePoint[];
  analyticAngle: AnalyticAnglePoint[];
  analyticEigen: AnalyticEigen[];
  /** Trials with lr above η_crit (lr_over_crit > 1), at most `listLimit`. */
  flagged: TrialListing[];
  flaggedTotal: number;
  /** Failed and diverged trials, at most `listLimit`. */
  problems: TrialListing[];
  problemsTotal: number;
  /** manifest.json's text (null when absent) and config.yaml's. */
  manifestText: string | null;
  configText: string | null;
}
