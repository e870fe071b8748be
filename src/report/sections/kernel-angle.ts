/** Θ(x₀, x) against the angle (Jacot et al. 2018, Figure 1). */
import { cite, constant, type Section } from '../content.js';
import type { ReportData } from '../report-data.js';
import { kernelAngleSpec } from '../specs/kernel-angle.js';
import { figure, groupOrder, groupsPhrase, type Slug } from './figure.js';

export async function kernelAngle(d: ReportData, slug: Slug): Promise<Section | null> {
  if (d.angle.length === 0) return null;
  const plot = kernelAngleSpec(d.angle, d.analyticAngle, groupOrder(d));
  return {
    id: 'kernel-angle',
    title: 'The kernel against the angle',
    blocks: [
      await figure(slug('kernel-angle'), 'kernel-angle', { 'analytic-series': String(plot.analyticSeries) }, plot, [
        'As in Jacot et al. (',
        cite('arXiv:1806.07572'),
        '), ',
        constant('Figure 1'),
        `: the empirical NTK Θ(x₀, x) for x₀ = `,
        constant('(1, 0)'),
        ` and x = (cos γ, sin γ) on the unit circle against the angle γ (${groupsPhrase(d)}), at the first and the last snapshot: the mean over seeds per width with a band of one standard deviation over seeds; black dashed: the infinite-width Θ∞, which does not move in training.`,
      ]),
    ],
  };
}
