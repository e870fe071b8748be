/**
 * Θ(x₀, x) against the angle γ of x = (cos γ, sin γ), x₀ = (1, 0): a row per group, a line per width
 * at the group's first and last snapshot (mean over seeds, band ± one standard deviation over seeds,
 * which is the seed-to-seed spread the paper shows as separate curves), with the infinite-width
 * Θ∞ (black, dashed) in every panel — Jacot et al. 2018, Figure 1 (arXiv:1806.07572): narrow
 * networks' kernels are random and move in training; wide ones sit on Θ∞ and stay there.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { AnalyticAnglePoint, AnglePoint } from '../report-data.js';
import {
  ANALYTIC_STYLE,
  LINE_LEGEND,
  MARKS,
  bandLayer,
  empiricalAnalyticLegend,
  facetedSpec,
  layerOf,
  panelGrid,
  stepLabel,
} from './common.js';

const STYLES = {
  empirical: { label: 'empirical: mean, band ± one sd', dash: [] },
  analytic: ANALYTIC_STYLE,
} as const;

export interface KernelAnglePlot {
  spec: TopLevelSpec;
  /** Empirical lines (group × width × step), their vertices, and the analytic lines (one per panel). */
  series: number;
  points: number;
  analyticSeries: number;
}

/** γ of probe point i of p (evenly spaced from (1, 0), src/data/inputs.ts circleGrid), in (−π, π]. */
export function probeAngle(i: number, p: number): number {
  const g = (2 * Math.PI * i) / p;
  return g > Math.PI ? g - 2 * Math.PI : g;
}

/** `points` and `analytic` of every group; `groups`: group → row order. */
export function kernelAngleSpec(
  points: AnglePoint[],
  analytic: AnalyticAnglePoint[],
  groups: ReadonlyMap<string, number>,
): KernelAnglePlot {
  // Each group's snapshots: the first is t = 0 (column one), the last t = T (column two).
  const steps = new Map<string, number[]>();
  for (const p of points)
    steps.set(
      p.group,
      [...new Set([...(steps.get(p.group) ?? []), p.step])].sort((a, b) => a - b),
    );
  // Panels named by their steps when every group has the same two, else by position.
  const ends = new Set([...steps.values()].map((ss) => `${ss[0]},${ss[ss.length - 1]}`));
  const [s0, s1] = [...steps.values()][0] ? [[...steps.values()][0][0], [...steps.values()][0].at(-1)!] : [0, 0];
  const label = (k: number): string =>
    ends.size === 1 ? stepLabel(k === 0 ? s0 : s1) : k === 0 ? 'first snapshot' : 'last snapshot';
  const rows: Record<string, string | number>[] = [];
  for (const p of points) {
    const sd = p.sd ?? 0;
    const first = steps.get(p.group)![0];
    rows.push({
      kind: 'empirical',
      group: p.group,
      group_order: groups.get(p.group) ?? 0,
      panel: label(p.step === first ? 0 : 1),
      order: p.step === first ? 0 : 1,
      step: p.step,
      width: p.width,
      angle: probeAngle(p.i, p.p),
      theta: p.mean,
      style: STYLES.empirical.label,
      lo: p.mean - sd,
      hi: p.mean + sd,
    });
  }
  let analyticSeries = 0;
  for (const [group, ss] of steps) {
    const own = analytic.filter((a) => a.group === group);
    if (own.length === 0) continue;
    for (const [k] of ss.entries()) {
      analyticSeries++;
      for (const a of own) {
        rows.push({
          kind: 'analytic',
          style: STYLES.analytic.label,
          group,
          group_order: groups.get(group) ?? 0,
          panel: label(k),
          order: k === 0 ? 0 : 1,
          angle: probeAngle(a.i, a.p),
          theta: a.value,
        });
      }
    }
  }
  const x = {
    field: 'angle',
    type: 'quantitative',
    title: 'γ (x = (cos γ, sin γ))',
    scale: { domain: [-Math.PI, Math.PI], nice: false },
  };
  const y = { field: 'theta', type: 'quantitative', title: 'Θ(x₀, x)', scale: { zero: false } };
  // Lines in the legend (the bands would otherwise make it a column of pale dots).
  const color = {
    field: 'width',
    type: 'ordinal',
    title: 'width',
    scale: { scheme: 'viridis' },
    legend: LINE_LEGEND,
  };
  const strokeDash = empiricalAnalyticLegend(STYLES.empirical, analyticSeries > 0);
  const spec = facetedSpec({
    rows,
    facet: panelGrid(groups.size),
    width: 300,
    height: 220,
    layer: [
      bandLayer({ name: MARKS.kernelBand, kind: 'empirical', opacity: 0.15, x, y, color }),
      layerOf(MARKS.kernel, 'empirical', { type: 'line', strokeWidth: 1.5 }, { x, y, color, strokeDash }),
      layerOf(MARKS.analytic, 'analytic', { type: 'line', color: 'black', strokeWidth: 1.3 }, { x, y, strokeDash }),
    ],
  });
  return {
    spec,
    series: new Set(points.map((p) => `${p.group}\u0000${p.width}\u0000${p.step}`)).size,
    points: points.length,
    analyticSeries,
  };
}
