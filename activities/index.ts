/**
 * The sweep's activities (docs/design.md §8), each a few lines around one core call. Built by a factory so
 * a worker passes its own settings (the compute backend) and tests can inject their own.
 */
import { aggregate } from './aggregate.js';
import { compact } from './compact.js';
import { plan, planPage } from './plan.js';
import { recordFailed } from './record-failed.js';
import { makeRunTrial, type RunTrialDeps } from './run-trial.js';

export type ActivityDeps = RunTrialDeps;

export function createActivities(deps: ActivityDeps = {}) {
  return {
    plan,
    planPage,
    runTrial: makeRunTrial(deps),
    recordFailed,
    aggregate,
    compact,
  };
}

export type SweepActivities = ReturnType<typeof createActivities>;
