/** Failed and diverged trials. */
import { para, value, type Block, type Section } from '../content.js';
import type { ReportData } from '../report-data.js';
import { trialTable } from './trials.js';

export function failures(d: ReportData): Section {
  const blocks: Block[] = [];
  if (d.problemsTotal === 0) {
    blocks.push(para(['No trial failed or diverged.']));
  } else {
    blocks.push(
      ...trialTable(
        d,
        { id: 'failed-trials', trials: d.problems, total: d.problemsTotal, where: "status <> 'ok'" },
        ['diverged at step', 'steps done', 'attempts', 'error'],
        (t, k) => [
          value(t.diverged_at_step, 'trials', k, 'diverged_at_step', 'int'),
          value(t.steps_done, 'trials', k, 'steps_done', 'int'),
          value(t.attempts, 'trials', k, 'attempts', 'int'),
          t.error === null ? '' : value(t.error, 'trials', k, 'error'),
        ],
      ),
    );
  }
  return { id: 'failures', title: 'Failed and diverged trials', blocks };
}
