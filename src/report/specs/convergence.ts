/**
 * Convergence versus width for one metric: log-log, the mean over seeds at each width with its 95%
 * CI band (from `summary`), the least-squares line of `fits` (dashed), and where the theory
 * predicts it a line of slope −1/2 through the first width's mean (dotted grey) — at
 * initialisation ‖Θ̂ − Θ∞‖_F/‖Θ∞‖_F falls as width^−1/2 (Jacot et al. 2018, arXiv:1806.07572), and
 * so do the changes of weights and kernel over training (Lee et al. 2019, arXiv:1902.06720).
 * One panel per step the aggregation fitted.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { FitPoint, SummaryPoint } from '../report-data.js';
import { MARKS, logDomain, panelFacet, stepLabel, stepOrder } from './common.js';

/** Metrics whose finite-width deviation theory says falls as width^−1/2. */
export const THEORY_SLOPE_METRICS: ReadonlySet<string> = new Set([
  'kernel_rel_err',
  'kernel_drift',
  'weight_change',
  'pred_gap_analytic',
  'pred_gap_linear',
  'pred_gap_analytic_rel',
  'pred_gap_linear_rel',
  'final_kernel_rel_err',
  'final_kernel_drift',
  'final_weight_change',
  'final_pred_gap_analytic',
  'final_pred_gap_linear',
]);
export const THEORY_SLOPE = -0.5;

export interface ConvergenceInput {
  source: string;
  metric: string;
  /** Summary rows of this source × metric at the fitted steps. */
  points: SummaryPoint[];
  /** Fits of this source × metric. */
  fits: FitPoint[];
  /** Every group in display order (depth 2 before depth 10), for the legend. */
  groupOrder: readonly string[];
}

/** What the figure holds, for its caption and for tests. */
export interface ConvergencePlot {
  spec: TopLevelSpec;
  /** Series drawn (group × step with at least one positive mean) and points (positive means). */
  series: number;
  points: number;
  /** Means ≤ 0 left out (no place on a log axis). */
  dropped: number;
  /** CIs whose lower end is ≤ 0, drawn from the mean up only. */
  clippedBands: number;
}

type Datum = Record<string, string | number | null>;

const groupStep = (g: string, s: number | null): string => `${g}\u0000${s ?? 'final'}`;

export function convergenceSpec(input: ConvergenceInput): ConvergencePlot {
  const positive = input.points.filter((p) => p.mean > 0 && Number.isFinite(p.mean));
  const rows: Datum[] = [];
  let clippedBands = 0;
  for (const p of positive) {
    const lo = p.ci_low !== null && p.ci_low > 0 ? p.ci_low : p.mean;
    if (p.ci_low !== null && p.ci_low <= 0) clippedBands++;
    rows.push({
      kind: 'mean',
      group: p.group,
      panel: stepLabel(p.step),
      order: stepOrder(p.step),
      width: p.width,
      y: p.mean,
      lo,
      hi: p.ci_high !== null && p.ci_high > 0 ? p.ci_high : p.mean,
      n: p.n,
    });
  }
  const firstMean = new Map<string, SummaryPoint>();
  for (const p of positive) {
    const k = groupStep(p.group, p.step);
    const cur = firstMean.get(k);
    if (!cur || p.width < cur.width) firstMean.set(k, p);
  }
  const theory = THEORY_SLOPE_METRICS.has(input.metric);
  for (const f of input.fits) {
    if (f.slope === null || f.intercept === null || f.min_width === null || f.max_width === null) continue;
    for (const w of [f.min_width, f.max_width]) {
      rows.push({
        kind: 'fit',
        group: f.group,
        panel: stepLabel(f.step),
        order: stepOrder(f.step),
        width: w,
        y: Math.exp(f.intercept + f.slope * Math.log(w)),
      });
    }
    const first = firstMean.get(groupStep(f.group, f.step));
    if (theory && first) {
      for (const w of [first.width, f.max_width]) {
        rows.push({
          kind: 'theory',
          group: f.group,
          panel: stepLabel(f.step),
          order: stepOrder(f.step),
          width: w,
          y: first.mean * Math.pow(w / first.width, THEORY_SLOPE),
        });
      }
    }
  }

  const xDomain = logDomain(positive.map((p) => p.width));
  const yDomain = logDomain(rows.flatMap((r) => [r.y, r.lo ?? null, r.hi ?? null]).filter((v): v is number => typeof v === 'number'), 1.3);
  const widths = [...new Set(positive.map((p) => p.width))].sort((a, b) => a - b);
  const x = {
    field: 'width',
    type: 'quantitative',
    title: 'width',
    scale: { type: 'log', ...(xDomain ? { domain: xDomain } : {}) },
    axis: { values: widths, format: 'd', grid: true },
  };
  const y = { field: 'y', type: 'quantitative', title: input.metric, scale: { type: 'log', ...(yDomain ? { domain: yDomain } : {}) } };
  const groups = new Set(positive.map((p) => p.group));
  // One group (only width and seed vary): its name says nothing, so no legend.
  const color = {
    field: 'group',
    type: 'nominal',
    title: 'group',
    sort: input.groupOrder.filter((g) => groups.has(g)),
    legend: groups.size <= 1 ? null : { symbolType: 'stroke', symbolStrokeWidth: 2, symbolOpacity: 1, symbolLimit: groups.size },
  };
  const only = (kind: string) => [{ filter: { field: 'kind', equal: kind } }];

  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows },
    facet: panelFacet(null),
    resolve: { scale: { y: 'shared' } },
    spec: {
      width: 260,
      height: 200,
      layer: [
        {
          name: MARKS.band,
          transform: only('mean'),
          mark: { type: 'area', opacity: 0.18 },
          encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color, detail: { field: 'group' } },
        },
        {
          name: MARKS.theory,
          transform: only('theory'),
          mark: { type: 'line', color: '#888', strokeDash: [2, 3], strokeWidth: 1.2 },
          encoding: { x, y, detail: { field: 'group' } },
        },
        {
          name: MARKS.fit,
          transform: only('fit'),
          mark: { type: 'line', strokeDash: [6, 3], strokeWidth: 1.2 },
          encoding: { x, y, color },
        },
        {
          name: MARKS.means,
          transform: only('mean'),
          mark: { type: 'line', strokeWidth: 1.8 },
          encoding: { x, y, color },
        },
        {
          name: MARKS.points,
          transform: only('mean'),
          mark: { type: 'point', filled: true, size: 30 },
          encoding: {
            x,
            y,
            color,
            tooltip: [
              { field: 'group' },
              { field: 'width' },
              { field: 'y', title: 'mean', format: '.4g' },
              { field: 'n', title: 'seeds' },
            ],
          },
        },
      ],
    },
  } as unknown as TopLevelSpec;

  const series = new Set(positive.map((p) => groupStep(p.group, p.step))).size;
  return {
    spec,
    series,
    points: positive.length,
    dropped: input.points.length - positive.length,
    clippedBands,
  };
}
