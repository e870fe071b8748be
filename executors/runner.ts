/**
 * How a `runTrial` activity hands over its trial: to the executor pool (./pool.ts), or in-process
 * on the worker's own thread (`--executors 0`, for debugging and the tests that need it). Both
 * run ./task.ts; a cancelled attempt rejects with `signal.reason` either way.
 */
import type { ExecutorPool } from './pool.js';
import { runTask, withResolvedPoint, type TrialHooks, type TrialOutcome, type TrialTask } from './task.js';

export type TrialRunner = (task: TrialTask, hooks: TrialHooks, signal: AbortSignal) => Promise<TrialOutcome>;

/** On this thread: cancellation is seen at the next logged step. */
export const inProcess: TrialRunner = (task, hooks, signal) =>
  runTask(task, {
    onProgress(step, steps) {
      hooks.onProgress(step, steps);
      if (signal.aborted) throw signal.reason;
    },
    onNote: hooks.onNote,
  });

/** On an executor of `pool`, handed its grid point resolved here (the thread then parses the config but does not expand the grid). */
export const onPool =
  (pool: ExecutorPool): TrialRunner =>
  (task, hooks, signal) => {
    let resolved: TrialTask;
    try {
      resolved = withResolvedPoint(task);
    } catch (e) {
      return Promise.reject(e);
    }
    return pool.run(resolved, hooks, signal);
  };
