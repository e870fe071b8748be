/**
 * The top eigenvalues of the empirical NTK against width, a row per group (log-log; mean over seeds
 * with its 95% CI of log(mean) as for the convergence figures, from `summary` metrics
 * `eigenvalue_<rank>`), with the analytic Θ∞'s eigenvalues as dashed horizontal lines: the
 * finite-width spectrum approaches the limit's as width grows. One panel per snapshot step.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { AnalyticEigen, SummaryPoint } from '../report-data.js';
import {
  ANALYTIC_STYLE,
  LINE_LEGEND,
  MARKS,
  bandLayer,
  empiricalAnalyticLegend,
  facetedSpec,
  layerOf,
  logBand,
  panelGrid,
  stepLabel,
  stepOrder,
  widthLogLogAxes,
} from './common.js';

const STYLES = {
  empirical: { label: 'empirical: mean over seeds', dash: [] },
  analytic: ANALYTIC_STYLE,
} as const;

/** `eigenvalue_3` → 3, anything else → null. */
export function eigenRank(metric: string): number | null {
  const m = /^eigenvalue_(\d+)$/.exec(metric);
  return m ? Number(m[1]) : null;
}

/** λ with a subscript rank counted from 1 (λ₁ the largest). */
export function rankLabel(rank: number): string {
  const sub = '₀₁₂₃₄₅₆₇₈₉';
  return `λ${String(rank + 1).replace(/\d/g, (d) => sub[Number(d)])}`;
}

export interface SpectraPlot {
  spec: TopLevelSpec;
  /** Lines (group × rank × step), points (positive means), analytic rules (group × rank × panel). */
  series: number;
  points: number;
  analyticRules: number;
}

/** `points`: summary rows of source `spectra`, ranks below the cut-off; `groups`: group → row order. */
export function spectraSpec(
  points: SummaryPoint[],
  analytic: AnalyticEigen[],
  groups: ReadonlyMap<string, number>,
): SpectraPlot {
  const positive = points.filter((p) => p.mean > 0 && Number.isFinite(p.mean) && eigenRank(p.metric) !== null);
  const rows: Record<string, string | number | null>[] = positive.map((p) => ({
    kind: 'empirical',
    group: p.group,
    group_order: groups.get(p.group) ?? 0,
    panel: stepLabel(p.step),
    order: stepOrder(p.step),
    rank: rankLabel(eigenRank(p.metric)!),
    width: p.width,
    style: STYLES.empirical.label,
    y: p.mean,
    lo: logBand(p)[0],
    hi: logBand(p)[1],
  }));
  const ranks = new Set(positive.map((p) => eigenRank(p.metric)!));
  // Θ∞'s eigenvalues in every panel of their group (the limit does not move in training).
  let analyticRules = 0;
  for (const group of new Set(positive.map((p) => p.group))) {
    const own = analytic.filter((a) => a.group === group && ranks.has(a.rank) && a.eigenvalue > 0);
    for (const s of new Set(positive.filter((p) => p.group === group).map((p) => p.step))) {
      for (const a of own) {
        analyticRules++;
        rows.push({
          kind: 'analytic',
          group,
          group_order: groups.get(group) ?? 0,
          panel: stepLabel(s),
          order: stepOrder(s),
          rank: rankLabel(a.rank),
          style: STYLES.analytic.label,
          y: a.eigenvalue,
        });
      }
    }
  }
  const { x, y } = widthLogLogAxes(
    positive.map((p) => p.width),
    rows,
    'eigenvalue',
  );
  const color = {
    field: 'rank',
    type: 'nominal',
    title: 'rank',
    sort: [...ranks].sort((a, b) => a - b).map(rankLabel),
    legend: LINE_LEGEND,
  };
  const strokeDash = empiricalAnalyticLegend(STYLES.empirical, analyticRules > 0);
  const spec = facetedSpec({
    rows,
    facet: panelGrid(groups.size),
    width: 260,
    height: 210,
    layer: [
      bandLayer({ name: `${MARKS.eigen}_band`, kind: 'empirical', opacity: 0.15, x, y, color }),
      layerOf(MARKS.eigenAnalytic, 'analytic', { type: 'rule', strokeWidth: 1 }, { y, color, strokeDash }),
      layerOf(MARKS.eigen, 'empirical', { type: 'line', strokeWidth: 1.5 }, { x, y, color, strokeDash }),
      layerOf(MARKS.eigenPoints, 'empirical', { type: 'point', filled: true, size: 25 }, { x, y, color }),
    ],
  });
  return {
    spec,
    series: new Set(positive.map((p) => `${p.group}\u0000${p.metric}\u0000${p.step}`)).size,
    points: positive.length,
    analyticRules,
  };
}
