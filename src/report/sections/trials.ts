/** A trial's cells in the trial lists (learning rates above η_crit, failed and diverged trials). */
import { codeValue, value, type Inline } from '../content.js';
import type { TrialListing } from '../report-data.js';

export function trialCells(t: TrialListing, axes: string[], extra: (k: Record<string, string>) => Inline[]): Inline[] {
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
