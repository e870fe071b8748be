/**
 * Messages between the pool (./pool.ts) and an executor thread (./executor-thread.ts), and errors
 * carried across the thread boundary with their name, so that the activity still tells a bad
 * config (non-retryable) from anything else (activities/failures.ts).
 */
import type { TrialOutcome, TrialTask } from './task.js';

/**
 * Test hook, read by the executor from the environment: `TRIAL_ID@STEP` makes the executor running
 * that trial's first attempt end abruptly (exit code 134) at its first logged step ≥ STEP, as if
 * it had died in native code.
 */
export const EXIT_HOOK_ENV = 'NTK_TEST_EXECUTOR_EXIT';

export type ToExecutor = {
  kind: 'run';
  task: TrialTask;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 once the attempt is cancelled (read at every logged step). */
  cancel: SharedArrayBuffer;
};

export type FromExecutor =
  | { kind: 'ready' }
  | { kind: 'progress'; step: number; steps: number }
  | { kind: 'note'; line: string }
  | { kind: 'done'; outcome: TrialOutcome }
  | { kind: 'cancelled' }
  /** `fatal`: the executor cannot run another trial (the pool replaces it). */
  | { kind: 'failed'; error: WireError; fatal: boolean };

export interface WireError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

export function toWire(e: unknown): WireError {
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    name: err.name,
    message: err.message,
    stack: err.stack,
    code: (err as NodeJS.ErrnoException).code,
  };
}

/**
 * The error as thrown in the thread, by name (how its kind is found: src/failure-kinds.ts), with
 * its code (a full disk's ENOSPC) and stack; a config's problems are in its message.
 */
export function fromWire(w: WireError): Error {
  const err = Object.assign(new Error(w.message), { name: w.name });
  if (w.code) (err as NodeJS.ErrnoException).code = w.code;
  if (w.stack) err.stack = w.stack;
  return err;
}
