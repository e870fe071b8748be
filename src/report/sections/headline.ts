/** The headline: the slope of kernel_rel_err against width at initialisation. */
import { cite, code, constant, para, value, type Block, type Section } from '../content.js';
import type { FitPoint, ReportData } from '../report-data.js';
import { describeMetric, metricTheory } from '../../metrics/catalogue.js';
import { exponentConstant, fitKey, fitTable, sentenceCase } from './fits.js';

/** The metric the headline is about, and its theory slope at initialisation. */
export const HEADLINE_METRIC = 'kernel_rel_err';

/** The fits of kernel_rel_err at the first fitted step (initialisation) — the headline numbers. */
export function headlineFits(fits: FitPoint[]): FitPoint[] {
  const own = fits.filter((f) => f.source === 'curves' && f.metric === HEADLINE_METRIC && f.step !== null);
  if (own.length === 0) return [];
  const first = own.reduce((m, f) => Math.min(m, f.step!), Infinity);
  return own.filter((f) => f.step === first);
}

export function headline(d: ReportData): Section {
  const fits = headlineFits(d.fits);
  const theory = metricTheory(HEADLINE_METRIC)!;
  const blocks: Block[] = [];
  if (fits.length === 0) {
    blocks.push(
      para(['No fit of ', code(HEADLINE_METRIC), ' in this run (no kernel snapshots were aggregated).'], 'note'),
    );
  } else {
    blocks.push(
      para([
        `${sentenceCase(describeMetric(theory))}, at initialisation, fitted as a power of the width. Theory: slope `,
        exponentConstant(theory.exponent(null)!),
        ' (the kernel is an average over the width’s units; ',
        cite(theory.sources[0].arxiv),
        '). CI: ',
        constant('95%'),
        ' percentile bootstrap over seeds.',
      ]),
      fitTable('headline', fits, d, false),
    );
    for (const f of fits) {
      if (f.slope === null) {
        blocks.push(
          para(
            [
              'Group ',
              value(f.group, 'fits', fitKey(f), 'group'),
              ': no slope (',
              value(f.reason, 'fits', fitKey(f), 'reason'),
              ').',
            ],
            'warning',
          ),
        );
      }
    }
  }
  return { id: 'headline', title: 'Kernel convergence at initialisation', blocks };
}
