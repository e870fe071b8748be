/**
 * Watching a sweep: polls the workflow's `progress` query into a progress view until the workflow
 * ends (through every continue-as-new run) or the user interrupts.
 *
 * Losing the server is not the sweep failing: its state is in the server's database and its
 * outputs in the run folder. So when the server stops answering, the watcher says so (with the
 * command that continues the sweep), waits a bounded time for the server to come back, says when
 * it is found again and follows on; if it is not, it ends with outcome `lost`.
 */
import { isGrpcServiceError, ServiceError, type Connection, type WorkflowHandle } from '@temporalio/client';
import { PROGRESS_QUERY, type SweepProgress, type SweepResult } from '../workflows/shared.js';
import type { ProgressView } from './progress.js';

export type FollowOutcome =
  | { kind: 'finished'; result: SweepResult }
  | { kind: 'failed'; error: Error }
  /** The server stopped answering and did not come back (what was said is already printed). */
  | { kind: 'lost' }
  | { kind: 'interrupted' };

/** What to do when the server stops answering. */
export interface ServerLoss {
  /** The server, as the user knows it (e.g. `the Temporal server at host:7233`). */
  server: string;
  /** The command that continues the sweep. */
  resume: string;
  /** How long to wait for the server to come back. */
  waitMs: number;
  /** Why the server cannot come back, once that is known (the embedded server's process is gone): no waiting then. */
  gone?: () => string | undefined;
  /** Where the messages go. */
  note: (line: string) => void;
}

/** Seconds a watcher waits for a lost server: NTK_SWEEP_SERVER_WAIT_S, default 5 minutes. */
export function serverWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.NTK_SWEEP_SERVER_WAIT_S || NaN);
  return (Number.isFinite(s) && s >= 0 ? s : 300) * 1000;
}

export interface FollowOptions {
  connection: Connection;
  pollMs: number;
  /** Resolves when the user asks to stop watching (Ctrl-C). */
  interrupted: Promise<void>;
  /** Without it, a lost server ends the watch as `failed`. */
  serverLoss?: ServerLoss;
  /**
   * Asked once the sweep's progress has gone unanswered for STALL_MS: an error that explains the
   * stall (the embedded server's disk is full, so it cannot record anything) ends the watch as
   * `failed` with it; undefined waits on.
   */
  stalledBy?: () => Error | undefined;
}

/** How long progress may go unanswered before `stalledBy` is asked (a continue-as-new gap is shorter). */
const STALL_MS = 10_000;

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

/** gRPC's status code UNAVAILABLE (the SDK re-exports the error type, not the codes). */
const UNAVAILABLE = 14;

/** A gRPC UNAVAILABLE anywhere in the cause chain: the server is down or unreachable. */
function isUnavailable(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(c) && c.code === UNAVAILABLE) return true;
  }
  return false;
}

/**
 * Whether the server can tell about the sweep within `timeoutMs`: a describe goes through the
 * frontend to the history service and the database, so a server whose database is down does not count.
 */
async function answers(connection: Connection, handle: WorkflowHandle, timeoutMs: number): Promise<boolean> {
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () => handle.describe());
    return true;
  } catch {
    return false;
  }
}

/** Not unref'd: while the server is away, this timer is what keeps the process waiting for it. */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * After `error` from the server: whether the server was lost, and then whether it came back
 * (`found`) or not (`lost`). `not lost`: the error was something else.
 */
async function whenLost(
  error: unknown,
  connection: Connection,
  handle: WorkflowHandle,
  loss: ServerLoss,
  signal: AbortSignal,
): Promise<'not lost' | 'found' | 'lost'> {
  // UNAVAILABLE says so; another error of the service counts when the server cannot describe the sweep either.
  const unreachable =
    isUnavailable(error) || (error instanceof ServiceError && !(await answers(connection, handle, 2000)));
  if (!unreachable) return 'not lost';
  const { note } = loss;
  const gone = loss.gone?.();
  note(`lost ${loss.server}${gone ? ` (${gone})` : ''}; the sweep is intact: ${loss.resume}`);
  if (gone) return 'lost';
  note(`waiting up to ${Math.round(loss.waitMs / 1000)} s for it to come back…`);
  const deadline = Date.now() + loss.waitMs;
  while (!signal.aborted && Date.now() < deadline) {
    if (await answers(connection, handle, 2000)) {
      note(`found ${loss.server} again; following the sweep`);
      return 'found';
    }
    const why = loss.gone?.();
    if (why) {
      note(`${loss.server} will not come back (${why}); continue the sweep with: ${loss.resume}`);
      return 'lost';
    }
    await sleep(1000, signal);
  }
  if (!signal.aborted)
    note(
      `${loss.server} did not come back within ${Math.round(loss.waitMs / 1000)} s; continue the sweep with: ${loss.resume}`,
    );
  return 'lost';
}

export async function followSweep(
  handle: WorkflowHandle,
  view: ProgressView,
  opts: FollowOptions,
): Promise<FollowOutcome> {
  let done = false;
  // Aborted when watching stops: a pending long poll would otherwise keep the process alive
  // (closing a gRPC channel does not end the calls in flight).
  const abort = new AbortController();
  const ending: Promise<FollowOutcome> = (async (): Promise<FollowOutcome> => {
    for (;;) {
      try {
        const result: SweepResult = await opts.connection.withAbortSignal(abort.signal, () => handle.result());
        return { kind: 'finished', result };
      } catch (e) {
        if (abort.signal.aborted || !opts.serverLoss) return { kind: 'failed', error: e as Error };
        const lost = await whenLost(e, opts.connection, handle, opts.serverLoss, abort.signal);
        if (lost === 'not lost') return { kind: 'failed', error: e as Error };
        if (lost === 'lost') return { kind: 'lost' };
      }
    }
  })().finally(() => void (done = true));
  const interrupted = opts.interrupted.then((): FollowOutcome => ({ kind: 'interrupted' }));
  let stall!: (outcome: FollowOutcome) => void;
  const stalled = new Promise<FollowOutcome>((resolve) => (stall = resolve));

  const poll = (async () => {
    let unansweredSince: number | undefined;
    while (!done) {
      const p = await queryProgress(opts.connection, handle, Math.max(2000, opts.pollMs));
      if (p && !done) view.update(p);
      unansweredSince = p ? undefined : (unansweredSince ?? Date.now());
      if (unansweredSince !== undefined && Date.now() - unansweredSince >= STALL_MS) {
        const why = opts.stalledBy?.();
        if (why) stall({ kind: 'failed', error: why });
      }
      await Promise.race([new Promise((r) => setTimeout(r, opts.pollMs).unref()), ending, interrupted, stalled]);
    }
  })();
  const outcome = await Promise.race([ending, interrupted, stalled]);
  done = true;
  abort.abort();
  // A query in flight ends by its deadline. Waiting for it matters when the server is gone: the
  // client retries a failed call from a timer, which throws if the connection is closed by then.
  await poll;
  return outcome;
}
