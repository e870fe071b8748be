/** The top eigenvalues of the empirical NTK against width. */
import { constant, type Section } from '../content.js';
import type { ReportData } from '../report-data.js';
import { TOP_RANKS } from '../queries.js';
import { eigenRank, spectraSpec } from '../specs/spectra.js';
import { figure, groupOrder, groupsPhrase, type Slug } from './figure.js';

export async function spectra(d: ReportData, slug: Slug): Promise<Section | null> {
  const points = d.summary.filter((p) => p.source === 'spectra' && (eigenRank(p.metric) ?? Infinity) < TOP_RANKS);
  if (points.length === 0) return null;
  const plot = spectraSpec(points, d.analyticEigen, groupOrder(d));
  return {
    id: 'spectra',
    title: 'Top eigenvalues against width',
    blocks: [
      await figure(slug('spectra'), 'spectra', { 'analytic-rules': String(plot.analyticRules) }, plot, [
        `Top eigenvalues of the empirical NTK against width (${groupsPhrase(d)}): the mean over seeds with its `,
        constant('95%'),
        ' CI; dashed: the eigenvalues of Θ∞.',
      ]),
    ],
  };
}
