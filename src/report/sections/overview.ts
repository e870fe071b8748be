/** The overview: trial counts by status, widths, seeds and groups, and warnings of what went wrong. */
import { code, para, strong, value, type Block, type Inline, type Section } from '../content.js';
import type { ReportData } from '../report-data.js';

export function overview(d: ReportData): Section {
  const blocks: Block[] = [];
  const count = (status: string) => d.statusCounts.find((c) => c.key.status === status)?.n ?? 0;
  blocks.push({
    kind: 'table',
    id: 'trial-status',
    columns: ['status', 'trials'],
    rows: [
      ...d.statusCounts.map((c) => [
        value(c.key.status, 'trials', { status: c.key.status }, 'any_value(status)'),
        value(c.n, 'trials', { status: c.key.status }, 'count(*)', 'int'),
      ]),
      [strong('all'), value(d.totalTrials, 'trials', {}, 'count(*)', 'int')],
    ],
  });
  const widthList: Inline[] = [];
  d.widths.forEach((w, i) => {
    if (i > 0) widthList.push(', ');
    widthList.push(value(w, 'trials', { width: w }, 'any_value(width)', 'int'));
  });
  blocks.push(
    para([
      'Widths: ',
      ...widthList,
      '; seeds: ',
      value(d.seedCount, 'trials', {}, 'count(DISTINCT seed)', 'int'),
      '; groups with results (every grid axis but width and seed): ',
      ...(d.tables.includes('summary')
        ? [value(d.groups.length, 'summary', {}, 'count(DISTINCT "group")', 'int')]
        : ['none aggregated']),
      '.',
    ]),
  );
  if (d.totalTrials === 0) blocks.push(para(['The run folder holds no trials yet.'], 'warning'));
  const failed = count('failed');
  const diverged = count('diverged');
  if (failed + diverged > 0) {
    blocks.push(
      para(
        [
          value(failed, 'trials', { status: 'failed' }, 'count(*)', 'int'),
          ' failed and ',
          value(diverged, 'trials', { status: 'diverged' }, 'count(*)', 'int'),
          ' diverged trials are left out of every mean and fit; they are listed under ',
          strong('Failed and diverged trials'),
          '.',
        ],
        'warning',
      ),
    );
  }
  if (d.widths.length === 1) {
    blocks.push(
      para(
        [
          'Only one width (',
          value(d.widths[0], 'trials', {}, 'min(width)', 'int'),
          '): no slope against width can be fitted, and the convergence figures show single points.',
        ],
        'warning',
      ),
    );
  }
  if (d.flaggedTotal > 0) {
    blocks.push(
      para(
        [
          value(d.flaggedTotal, 'trials', {}, 'count(*) FILTER (WHERE lr_over_crit > 1)', 'int'),
          ' trials ran with a learning rate above η_crit = 2N/λ_max(Θ∞), outside the linearised theory (catapult or divergence); see ',
          strong('Learning rates above η_crit'),
          '.',
        ],
        'warning',
      ),
    );
  }
  if (!d.tables.includes('summary') && d.totalTrials > 0) {
    blocks.push(
      para(['No aggregation in this run folder (no ', code('summary'), ' table): no trial finished ok.'], 'warning'),
    );
  }
  return { id: 'overview', title: 'Overview', blocks };
}
