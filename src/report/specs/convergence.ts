/**
 * Convergence versus width for one metric: log-log, the mean over seeds at each width with its 95%
 * CI band, the least-squares line of `fits` (dashed) and, where the metric catalogue
 * (src/metrics/catalogue.ts) gives the theory's exponent for the group's depth, a line of that
 * slope through the first width's mean (dotted grey); for a bound, also a line of the rate
 * typically observed (dash-dotted grey). One panel per step the aggregation fitted.
 *
 * The band is the CI of log(mean) by the delta method, mean ×/÷ exp(t·se/mean) with t·se the
 * half-width of the summary's t-interval: on a log axis an interval mean ± t·se reaches zero with
 * a few seeds, and log(mean) is what the fit is made of.
 */
import type { TopLevelSpec } from 'vega-lite';
import { metricTheory, type MetricTheory } from '../../metrics/catalogue.js';
import type { FitPoint, SummaryPoint } from '../report-data.js';
import {
  LINE_LEGEND,
  MARKS,
  bandLayer,
  facetedSpec,
  layerOf,
  logBand,
  panelFacet,
  stepLabel,
  stepOrder,
  styleLegend,
  widthLogLogAxes,
} from './common.js';

/** The line styles of the figure, as its legend names them. */
export const LINE_STYLES = {
  mean: { label: 'mean over seeds', dash: [] as number[] },
  fit: { label: 'least-squares fit', dash: [6, 3] },
  theory: { label: 'theory rate', dash: [2, 3] },
  bound: { label: 'theory bound', dash: [2, 3] },
  typical: { label: 'typical rate', dash: [7, 2, 1, 2] },
} as const;
export type LineStyle = keyof typeof LINE_STYLES;

export interface ConvergenceInput {
  source: string;
  metric: string;
  /** Summary rows of this source × metric at the fitted steps. */
  points: SummaryPoint[];
  /** Fits of this source × metric. */
  fits: FitPoint[];
  /** Every group in display order (depth 2 before depth 10), for the legend. */
  groupOrder: readonly string[];
  /** The network depth of a group (null when the run folder does not tell). */
  depthOf: (group: string) => number | null;
  /** The catalogue entry of a group's series, when the series are different metrics (default: the metric's). */
  theoryOf?: (group: string) => MetricTheory | undefined;
  /** The colour legend's title (default `group`). */
  colorTitle?: string;
}

/** A theory line drawn in a panel: its style and slope, for captions and tests. */
export interface DrawnLine {
  group: string;
  step: number | null;
  style: 'theory' | 'bound' | 'typical';
  slope: number;
}

/** What the figure holds, for its caption and for tests. */
export interface ConvergencePlot {
  spec: TopLevelSpec;
  /** Series drawn (group × step with at least one positive mean) and points (positive means). */
  series: number;
  points: number;
  /** Means ≤ 0 left out (no place on a log axis). */
  dropped: number;
  /** The theory lines drawn. */
  lines: DrawnLine[];
}

type Datum = Record<string, string | number | null>;

const groupStep = (g: string, s: number | null): string => `${g}\u0000${s ?? 'final'}`;

export function convergenceSpec(input: ConvergenceInput): ConvergencePlot {
  const positive = input.points.filter((p) => p.mean > 0 && Number.isFinite(p.mean));
  const rows: Datum[] = [];
  for (const p of positive) {
    const [lo, hi] = logBand(p);
    rows.push({
      kind: 'mean',
      style: LINE_STYLES.mean.label,
      group: p.group,
      panel: stepLabel(p.step),
      order: stepOrder(p.step),
      width: p.width,
      y: p.mean,
      lo,
      hi,
      n: p.n,
    });
  }
  const firstMean = new Map<string, SummaryPoint>();
  for (const p of positive) {
    const k = groupStep(p.group, p.step);
    const cur = firstMean.get(k);
    if (!cur || p.width < cur.width) firstMean.set(k, p);
  }
  const lines: DrawnLine[] = [];
  for (const f of input.fits) {
    if (f.slope === null || f.intercept === null || f.min_width === null || f.max_width === null) continue;
    const base = { group: f.group, panel: stepLabel(f.step), order: stepOrder(f.step) };
    for (const w of [f.min_width, f.max_width]) {
      rows.push({
        ...base,
        kind: 'fit',
        style: LINE_STYLES.fit.label,
        width: w,
        y: Math.exp(f.intercept + f.slope * Math.log(w)),
      });
    }
    const first = firstMean.get(groupStep(f.group, f.step));
    const theory = input.theoryOf ? input.theoryOf(f.group) : metricTheory(input.metric);
    const p = theory?.exponent(input.depthOf(f.group)) ?? null;
    if (!theory || !first || p === null) continue;
    const drawn: [DrawnLine['style'], number][] =
      theory.status === 'bound'
        ? [
            ['bound', p],
            ['typical', theory.observed!],
          ]
        : [['theory', p]];
    for (const [style, slope] of drawn) {
      lines.push({ group: f.group, step: f.step, style, slope });
      for (const w of [first.width, f.max_width]) {
        rows.push({
          ...base,
          kind: 'theory',
          style: LINE_STYLES[style].label,
          width: w,
          y: first.mean * Math.pow(w / first.width, slope),
        });
      }
    }
  }

  const { x, y } = widthLogLogAxes(
    positive.map((p) => p.width),
    rows,
    input.metric,
    { gridLines: true },
  );
  const groups = new Set(positive.map((p) => p.group));
  // One group (only width and seed vary): its name says nothing, so no legend.
  const color = {
    field: 'group',
    type: 'nominal',
    title: input.colorTitle ?? 'group',
    sort: input.groupOrder.filter((g) => groups.has(g)),
    legend: groups.size <= 1 ? null : { ...LINE_LEGEND, symbolLimit: groups.size },
  };
  // One legend names every line style drawn (solid, dashed, dotted, dash-dotted); the band is the caption's.
  const styles = (Object.keys(LINE_STYLES) as LineStyle[]).filter((k) =>
    rows.some((r) => r.style === LINE_STYLES[k].label),
  );
  const strokeDash = styleLegend(styles.map((k) => LINE_STYLES[k]));

  const spec = facetedSpec({
    rows,
    facet: panelFacet(null),
    resolve: { scale: { y: 'shared' } },
    width: 260,
    height: 200,
    layer: [
      bandLayer({ name: MARKS.band, kind: 'mean', opacity: 0.18, x, y, color, detail: { field: 'group' } }),
      layerOf(
        MARKS.theory,
        'theory',
        { type: 'line', color: '#888', strokeWidth: 1.2 },
        { x, y, strokeDash, detail: { field: 'group' } },
      ),
      layerOf(MARKS.fit, 'fit', { type: 'line', strokeWidth: 1.2 }, { x, y, color, strokeDash }),
      layerOf(MARKS.means, 'mean', { type: 'line', strokeWidth: 1.8 }, { x, y, color, strokeDash }),
      layerOf(
        MARKS.points,
        'mean',
        { type: 'point', filled: true, size: 30 },
        {
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
      ),
    ],
  });

  const series = new Set(positive.map((p) => groupStep(p.group, p.step))).size;
  return {
    spec,
    series,
    points: positive.length,
    dropped: input.points.length - positive.length,
    lines,
  };
}
