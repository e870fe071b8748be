/**
 * Watching a sweep: polls the workflow's `progress` query into a progress view until the workflow
 * ends (through every continue-as-new run) or the user interrupts.
 */
import type { Connection, WorkflowHandle } from '@temporalio/client';
import { PROGRESS_QUERY, type SweepProgress, type SweepResult } from '../workflows/shared.js';
import type { ProgressView } from './progress.js';

export type FollowOutcome =
  | { kind: 'finished'; result: SweepResult }
  | { kind: 'failed'; error: Error }
  | { kind: 'interrupted' };

export interface FollowOptions {
  connection: Connection;
  pollMs: number;
  /** Resolves when the user asks to stop watching (Ctrl-C). */
  interrupted: Promise<void>;
}

/** The sweep's progress, or undefined when no worker answered in time (e.g. between runs of the chain). */
export async function queryProgress(
  connection: Connection,
  handle: WorkflowHandle,
  timeoutMs = 5000,
): Promise<SweepProgress | undefined> {
  try {
    return await connection.withDeadline(Date.now() + timeoutMs, () => handle.query<SweepProgress>(PROGRESS_QUERY));
  } catch {
    return undefined;
  }
}

export async function followSweep(handle: WorkflowHandle, view: ProgressView, opts: FollowOptions): Promise<FollowOutcome> {
  let done = false;
  // Aborted when watching stops: a pending long poll would otherwise keep the process alive
  // (closing a gRPC channel does not end the calls in flight).
  const abort = new AbortController();
  const ending: Promise<FollowOutcome> = opts.connection
    .withAbortSignal(abort.signal, () => handle.result())
    .then((result: SweepResult): FollowOutcome => ({ kind: 'finished', result }))
    .catch((error: Error): FollowOutcome => ({ kind: 'failed', error }))
    .finally(() => void (done = true));
  const interrupted = opts.interrupted.then((): FollowOutcome => ({ kind: 'interrupted' }));

  const poll = (async () => {
    while (!done) {
      const p = await queryProgress(opts.connection, handle, Math.max(2000, opts.pollMs));
      if (p && !done) view.update(p);
      await Promise.race([new Promise((r) => setTimeout(r, opts.pollMs).unref()), ending, interrupted]);
    }
  })();
  const outcome = await Promise.race([ending, interrupted]);
  done = true;
  abort.abort();
  // The last progress query ends within its deadline; a connection closed under it would fail it
  // with a retryable status, and its retry would then throw from a timer on the closed channel.
  await poll;
  return outcome;
}
