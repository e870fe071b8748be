/**
 * Training and test loss against step, a line per width (mean over seeds, from `summary`), beside
 * the loss the linearised network predicts with Θ∞ from the same f₀ (dashed; docs/design.md §4, Lee et al.
 * 2019, arXiv:1902.06720). Log loss axis; panels train | test, a row per group.
 */
import type { TopLevelSpec } from 'vega-lite';
import { METRIC_CATALOGUE, type LossCurve } from '../../metrics/catalogue.js';
import type { SummaryPoint } from '../report-data.js';
import { MARKS, facetedSpec, logScale, panelGrid } from './common.js';

/** The curves drawn: metric → its panel and which curve it is (the catalogue's loss curves). */
export const LOSS_CURVES: Readonly<Record<string, LossCurve>> = Object.fromEntries(
  METRIC_CATALOGUE.filter((t) => t.lossCurve).map((t) => [t.metric, t.lossCurve!]),
);
const CURVES: LossCurve['curve'][] = ['network', 'prediction (Θ∞)'];

export interface LossCurvesPlot {
  spec: TopLevelSpec;
  /** Lines (width × metric with at least one positive mean) and their vertices. */
  series: number;
  points: number;
  dropped: number;
}

/** `points`: summary rows of source `curves`, metrics of {@link LOSS_CURVES}; `groups`: group → row order. */
export function lossCurvesSpec(points: SummaryPoint[], groups: ReadonlyMap<string, number>): LossCurvesPlot {
  const positive = points.filter(
    (p) => p.step !== null && p.mean > 0 && Number.isFinite(p.mean) && p.metric in LOSS_CURVES,
  );
  const rows = positive.map((p) => ({
    group: p.group,
    group_order: groups.get(p.group) ?? 0,
    width: p.width,
    panel: LOSS_CURVES[p.metric].split,
    order: LOSS_CURVES[p.metric].split === 'train' ? 0 : 1,
    curve: LOSS_CURVES[p.metric].curve,
    step: p.step,
    loss: p.mean,
  }));
  const spec = facetedSpec({
    rows,
    facet: panelGrid(groups.size),
    width: 300,
    height: 210,
    layer: [
      {
        name: MARKS.curves,
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'step' },
          y: {
            field: 'loss',
            type: 'quantitative',
            title: 'loss',
            scale: logScale(
              rows.map((r) => r.loss),
              1.3,
            ),
          },
          color: { field: 'width', type: 'ordinal', title: 'width', scale: { scheme: 'viridis' } },
          strokeDash: {
            field: 'curve',
            type: 'nominal',
            title: null,
            scale: {
              domain: CURVES,
              range: [
                [1, 0],
                [5, 3],
              ],
            },
          },
        },
      },
    ],
  });
  return {
    spec,
    series: new Set(positive.map((p) => `${p.group}\u0000${p.width}\u0000${p.metric}`)).size,
    points: positive.length,
    dropped: points.length - positive.length,
  };
}
