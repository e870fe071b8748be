/** Trials whose learning rate is above η_crit. */
import { cite, code, para, value, type Block, type Section } from '../content.js';
import type { ReportData } from '../report-data.js';
import { trialTable } from './trials.js';

export function learningRates(d: ReportData): Section {
  const blocks: Block[] = [];
  if (d.flaggedTotal === 0) {
    blocks.push(para(['No trial ran with a learning rate above η_crit = 2N/λ_max(Θ∞).']));
  } else {
    blocks.push(
      para([
        'Trials whose learning rate exceeds η_crit = 2N/λ_max(Θ∞) (',
        code('lr_over_crit'),
        ' above one): gradient descent leaves the linearised regime, so the analytic predictions do not apply (catapult or divergence; Lewkowycz et al., ',
        cite('arXiv:2003.02218'),
        ').',
      ]),
      ...trialTable(
        d,
        { id: 'flagged-lr', trials: d.flagged, total: d.flaggedTotal, where: 'lr > eta_crit' },
        ['lr', 'η_crit', 'lr / η_crit'],
        (t, k) => [
          value(t.lr, 'trials', k, 'lr'),
          value(t.eta_crit, 'trials', k, 'eta_crit'),
          value(t.lr_over_crit, 'trials', k, 'lr_over_crit', 'sig3'),
        ],
      ),
    );
  }
  return { id: 'learning-rates', title: 'Learning rates above η_crit', blocks };
}
