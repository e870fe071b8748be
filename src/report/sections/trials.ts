/** The trial lists (learning rates above η_crit, failed and diverged trials): a table of the first trials and how to list them all. */
import { code, codeValue, para, value, type Block, type Inline } from '../content.js';
import type { ReportData, TrialListing } from '../report-data.js';

function trialCells(t: TrialListing, axes: string[], extra: (k: Record<string, string>) => Inline[]): Inline[] {
  const k = { trial_id: t.trial_id };
  return [
    codeValue(t.trial_id, 'trials', k, 'trial_id'),
    ...axes.map((a) => value(t.values[a], 'trials', k, a)),
    value(t.width, 'trials', k, 'width', 'int'),
    value(t.seed, 'trials', k, 'seed', 'int'),
    value(t.status, 'trials', k, 'status'),
    ...extra(k),
  ];
}

/**
 * A table of `trials` (the first `total` of them the query gave): trial, the group's axes, width,
 * seed and status, then `columns` filled by `cells`; and, when the list is cut, the query that lists
 * them all (`where`, a WHERE clause on `trials`).
 */
export function trialTable(
  d: ReportData,
  list: { id: string; trials: TrialListing[]; total: number; where: string },
  columns: string[],
  cells: (t: TrialListing, k: Record<string, string>) => Inline[],
): Block[] {
  const blocks: Block[] = [
    {
      kind: 'table',
      id: list.id,
      columns: ['trial', ...d.groupAxes, 'width', 'seed', 'status', ...columns],
      rows: list.trials.map((t) => trialCells(t, d.groupAxes, (k) => cells(t, k))),
    },
  ];
  if (list.trials.length < list.total) {
    blocks.push(
      para([
        'Only the first of them are listed; all: ',
        code(`ntk-sweep query RUN "SELECT * FROM trials WHERE ${list.where}"`),
        '.',
      ]),
    );
  }
  return blocks;
}
