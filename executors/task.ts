/**
 * One trial as an executor runs it: the run folder's config and grid point (src/tables/run-config.ts)
 * through the core's executeTrial. The same body runs in an executor thread (./executor-thread.ts)
 * and in-process (`--executors 0`), so both paths compute exactly the same thing.
 */
import { loadRunConfig, loadRunConfigParsed, pointAt } from '../src/tables/run-config.js';
import type { BackendName } from '../src/backend/select.js';
import { resolvePoint, type TrialPoint } from '../src/config/expand.js';
import { estimateTrial, sizesOf } from '../src/config/estimate.js';
import { executeTrial, type ExecuteTrialResult } from '../src/trial/execute-trial.js';
import type { RunTrialInput } from '../workflows/shared.js';

/** What an executor is handed: the planned trial, its attempt and the worker's backend. */
export interface TrialTask extends RunTrialInput {
  /** 1-based attempt number (the activity's). */
  attempt: number;
  /** The worker's compute backend; default: the config's execution.backend. */
  backend?: BackendName;
  /**
   * The trial's grid point and sweep id, resolved by the worker's main thread ({@link withResolvedPoint}),
   * so that an executor thread parses the config but never expands the grid. Absent: found here.
   */
  resolved?: { point: TrialPoint; sweepId: string };
}

/** `task` with its grid point resolved from this process's cached grid (src/tables/run-config.ts). */
export function withResolvedPoint(task: TrialTask): TrialTask {
  if (task.resolved) return task;
  const rc = loadRunConfig(task);
  return { ...task, resolved: { point: pointAt(rc, task.index, task.trialId), sweepId: rc.sweepId } };
}

/** What comes back: the result without its tables (they are in the run folder). */
export type TrialOutcome = Omit<ExecuteTrialResult, 'tables'>;

export interface TrialHooks {
  /** After every logged step; may throw to stop the trial (its checkpoint stays). */
  onProgress(step: number, steps: number): void;
  /** Lines worth telling a user (a discarded checkpoint). */
  onNote(line: string): void;
}

/** Runs `task` to its end, through `hooks`. Throws the core's typed errors. */
export async function runTask(task: TrialTask, hooks: TrialHooks): Promise<TrialOutcome> {
  const { point, sweepId } = withResolvedPoint(task).resolved!;
  const r = await executeTrial({
    runDir: task.runDir,
    loaded: loadRunConfigParsed(task),
    point,
    sweepId,
    backend: task.backend,
    attempt: task.attempt,
    checkpointEvery: task.checkpointEvery,
    onProgress: (step, steps) => hooks.onProgress(step, steps),
    onNote: (line) => hooks.onNote(line),
  });
  const { tables: _written, ...outcome } = r;
  return outcome;
}

/** The estimated peak memory of `task` (src/config/estimate.ts): what the pool admits trials by. */
export function taskPeakBytes(task: TrialTask): number {
  const { point } = withResolvedPoint(task).resolved!;
  return estimateTrial(sizesOf(resolvePoint(loadRunConfigParsed(task), point))).peakBytes;
}
