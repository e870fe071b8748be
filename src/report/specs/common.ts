/**
 * Pieces shared by the report's Vega-Lite specs: panel labels for steps, log-axis domains, and the
 * mark names that tests look for in the SVG (Vega writes a layer named `x` as `class="… x_marks"`).
 */

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
      ? { row: { field: 'group', type: 'ordinal' as const, title: null, sort: { field: 'group_order', op: 'min' as const } } }
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
