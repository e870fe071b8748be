/** Loss curves beside the analytic prediction. */
import { para, type Block, type Section } from '../content.js';
import type { ReportData } from '../report-data.js';
import { LOSS_CURVES, lossCurvesSpec } from '../specs/loss-curves.js';
import { figure, groupOrder, groupsPhrase, type Slug } from './figure.js';

export async function lossCurves(d: ReportData, slug: Slug): Promise<Section> {
  const blocks: Block[] = [];
  const points = d.summary.filter((p) => p.source === 'curves' && p.metric in LOSS_CURVES);
  if (points.length === 0) {
    blocks.push(para(['No loss curves were aggregated.'], 'note'));
  } else {
    const plot = lossCurvesSpec(points, groupOrder(d));
    blocks.push(
      await figure(slug('loss-curves'), 'loss-curves', {}, plot, [
        `Training and test loss (${groupsPhrase(d)}): the mean over seeds per width (solid) beside the loss the linearised network predicts with Θ∞ from the same initial outputs (dashed).`,
      ]),
    );
  }
  return { id: 'losses', title: 'Loss curves and the analytic prediction', blocks };
}
