/** Failed and diverged trials. */
import {
  code,
  para,
  value,
  type Block,
  type Section,
} from '../content.js';
import type { ReportData } from '../report-data.js';
import { trialCells } from './trials.js';

export function failures(d: ReportData): Section {
  const blocks: Block[] = [];
  if (d.problemsTotal === 0) {
    blocks.push(para(['No trial failed or diverged.']));
  } else {
    blocks.push({
      kind: 'table',
      id: 'failed-trials',
      columns: ['trial', ...d.groupAxes, 'width', 'seed', 'status', 'diverged at step', 'steps done', 'attempts', 'error'],
      rows: d.problems.map((t) =>
        trialCells(t, d.groupAxes, (k) => [
          value(t.diverged_at_step, 'trials', k, 'diverged_at_step', 'int'),
          value(t.steps_done, 'trials', k, 'steps_done', 'int'),
          value(t.attempts, 'trials', k, 'attempts', 'int'),
          t.error === null ? '' : value(t.error, 'trials', k, 'error'),
        ]),
      ),
    });
    if (d.problems.length < d.problemsTotal) {
      blocks.push(
        para([
          'Only the first of them are listed; all: ',
          code(`ntk-sweep query RUN "SELECT * FROM trials WHERE status <> 'ok'"`),
          '.',
        ]),
      );
    }
  }
  return { id: 'failures', title: 'Failed and diverged trials', blocks };
}
