/**
 * Pieces shared by the report's Vega-Lite specs: panel labels for steps, log-axis domains, and the
 * mark names that tests look for in the SVG (Vega writes a layer named `x` as `class="… x_marks"`).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SummaryPoint } from '../report-data.js';

/** Mark (layer) names, as they appear in the SVG's class attributes with the suffix `_marks`. */
export const MARKS = {
  /** Convergence: one line per group × step through the per-width means, and a point per mean. */
  means: 'means',
  points: 'points',
  band: 'band',
  fit: 'fit',
  theory: 'theory',
  /** Loss curves: one line per width × curve (network, prediction) × split. */
  curves: 'curves',
  /** Θ(x₀, x): one line per width × time, and the analytic limit per time. */
  kernel: 'kernel',
  kernelBand: 'kernel_band',
  analytic: 'analytic',
  /** Spectra: one line per rank × step through the per-width means, points, analytic rules. */
  eigen: 'eigen',
  eigenPoints: 'eigen_points',
  eigenAnalytic: 'eigen_analytic',
} as const;

/**
 * The band of a mean on a log axis: the 95% CI of log(mean) by the delta method,
 * mean ×/÷ exp(t·se/mean), t·se being the half-width of the summary's t-interval (which, on a log
 * axis, reaches zero with a few seeds).
 */
export function logBand(p: Pick<SummaryPoint, 'mean' | 'ci_high'>): [number, number] {
  if (p.ci_high === null || !Number.isFinite(p.ci_high)) return [p.mean, p.mean];
  const f = Math.exp((p.ci_high - p.mean) / p.mean);
  return [p.mean / f, p.mean * f];
}

/**
 * A strokeDash encoding whose legend names the line styles of a figure (`style` field of its rows):
 * every solid, dashed or dotted line of the report is named in a legend.
 */
export function styleLegend(styles: readonly { label: string; dash: readonly number[] }[]) {
  return {
    field: 'style',
    type: 'nominal' as const,
    title: 'line',
    scale: { domain: styles.map((s) => s.label), range: styles.map((s) => [...s.dash]) },
    legend: {
      symbolType: 'stroke',
      symbolStrokeColor: '#555',
      symbolStrokeWidth: 1.5,
      symbolSize: 300,
      labelLimit: 320,
    },
  };
}

/** The line style of Θ∞, drawn beside the empirical kernel's (the kernel-angle and spectra figures). */
export const ANALYTIC_STYLE = { label: 'Θ∞ (analytic)', dash: [5, 3] } as const;

/** The legend of a figure of empirical lines (`empirical`'s style) and, when drawn, Θ∞'s. */
export function empiricalAnalyticLegend(empirical: { label: string; dash: readonly number[] }, analyticDrawn: boolean) {
  return styleLegend(analyticDrawn ? [empirical, ANALYTIC_STYLE] : [empirical]);
}

/** The panel label of a step: `t = 300`, or `final` for the trials' final values (step null). */
export function stepLabel(step: number | null): string {
  return step === null ? 'final' : `t = ${step}`;
}

/** Sort key of a step's panel (final last). */
export function stepOrder(step: number | null): number {
  return step === null ? Number.MAX_SAFE_INTEGER : step;
}

/** A log-scale domain a little wider than the data, so the end points are not on the frame. */
export function logDomain(values: number[], pad = 1.15): [number, number] | undefined {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (pos.length === 0) return undefined;
  // A loop: spreading hundreds of thousands of values into Math.min overflows the stack.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of pos) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo / pad, hi * pad];
}

/**
 * The facet of a small-multiples figure: a column per panel (step, split), and a row per group
 * when there is more than one (one figure for all groups: one render, and the groups side by side).
 */
export function panelGrid(groups: number) {
  return {
    column: { field: 'panel', type: 'ordinal' as const, title: null, sort: { field: 'order', op: 'min' as const } },
    ...(groups > 1
      ? {
          row: {
            field: 'group',
            type: 'ordinal' as const,
            title: null,
            sort: { field: 'group_order', op: 'min' as const },
          },
        }
      : {}),
  };
}

/** Vega-Lite sorts facets by a field; we give each row its panel's order. */
export const panelFacet = (title: string | null) => ({
  column: {
    field: 'panel',
    type: 'ordinal' as const,
    title,
    sort: { field: 'order', op: 'min' as const },
  },
});

/** A colour legend whose entries are lines (a band's pale fill would otherwise make each a pale dot). */
export const LINE_LEGEND = { symbolType: 'stroke', symbolStrokeWidth: 2, symbolOpacity: 1 } as const;

/** The rows of one kind, as a layer's transform. */
export const onlyKind = (kind: string) => [{ filter: { field: 'kind', equal: kind } }];

/**
 * The scaffolding every figure shares: its rows, the facet of its panels, optionally how the panels
 * share scales, and layers of one panel size.
 */
export function facetedSpec(figure: {
  rows: readonly object[];
  facet: object;
  resolve?: object;
  width: number;
  height: number;
  layer: readonly object[];
}): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: figure.rows },
    facet: figure.facet,
    ...(figure.resolve ? { resolve: figure.resolve } : {}),
    spec: { width: figure.width, height: figure.height, layer: figure.layer },
  } as unknown as TopLevelSpec;
}

/** A log scale over `values` (padded as {@link logDomain}), or Vega's own domain when none is positive. */
export function logScale(values: number[], pad?: number) {
  const domain = logDomain(values, pad);
  return { type: 'log', ...(domain ? { domain } : {}) };
}

/**
 * The axes of a quantity against width, log-log (the convergence and spectra figures): x through the
 * widths drawn, with a tick at each; y through every row's `y`, `lo` and `hi`.
 */
export function widthLogLogAxes(
  widths: number[],
  rows: readonly Record<string, unknown>[],
  yTitle: string,
  opts: { gridLines?: boolean } = {},
) {
  const ys = rows.flatMap((r) => [r.y, r.lo ?? null, r.hi ?? null]).filter((v): v is number => typeof v === 'number');
  const ticks = [...new Set(widths)].sort((a, b) => a - b);
  return {
    x: {
      field: 'width',
      type: 'quantitative',
      title: 'width',
      scale: logScale(widths),
      axis: { values: ticks, format: 'd', ...(opts.gridLines ? { grid: true } : {}) },
    },
    y: { field: 'y', type: 'quantitative', title: yTitle, scale: logScale(ys, 1.3) },
  };
}

/** A layer named `name` (its marks' class in the SVG) drawing the rows of one kind. */
export function layerOf(name: string, kind: string, mark: object, encoding: object) {
  return { name, transform: onlyKind(kind), mark, encoding };
}

/** A band layer between the rows' `lo` and `hi` (of one kind), under the lines drawn through `y`. */
export function bandLayer(band: {
  name: string;
  kind: string;
  opacity: number;
  x: object;
  y: object;
  color: object;
  detail?: object;
}) {
  return layerOf(
    band.name,
    band.kind,
    { type: 'area', opacity: band.opacity },
    {
      x: band.x,
      y: { ...band.y, field: 'lo' },
      y2: { field: 'hi' },
      color: band.color,
      ...(band.detail ? { detail: band.detail } : {}),
    },
  );
}
