/**
 * Following a launched sweep to its end and saying how it ended, the same for the embedded server
 * and a cluster: the progress view while it runs (orchestration/follow.ts polls it), Ctrl-C as the
 * way to stop watching, and at the end its result (or why it failed) and the exit code
 * (src/exit-codes.ts).
 */
import { WorkflowFailedError, type Connection, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_SWEEP_FAILED, exitCodeOf } from '../src/exit-codes.js';
import { DISK_FULL_FAILURE, failureKind } from '../src/failure-kinds.js';
import type { SweepResult } from '../workflows/shared.js';
import { reportFailedTrials } from './failed-trials.js';
import { followSweep, serverWaitMs, type FollowOutcome, type ServerLoss } from './follow.js';
import {
  formatDuration,
  makeProgressView,
  noteLine as note,
  progressOfResult,
  trialCostsOf,
  type ProgressMode,
} from './progress.js';
import type { SweepPlan } from './run-folder.js';
import type { SweepCommandOptions } from './sweep-command-options.js';

/** A promise that resolves on the first Ctrl-C (or SIGTERM); a second one exits at once. */
export function interruption(): { interrupted: Promise<void>; dispose(): void } {
  let resolve!: () => void;
  const interrupted = new Promise<void>((r) => (resolve = r));
  let count = 0;
  const handler = (): void => {
    count++;
    if (count === 1) {
      note('stopping… (Ctrl-C again to quit at once)');
      resolve();
    } else process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    interrupted,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

function progressMode(opts: SweepCommandOptions): ProgressMode {
  if (opts.json) return 'json';
  return opts.progress ?? (process.stderr.isTTY ? 'bar' : 'lines');
}

/** How a watcher reports losing `server`: the sweep is intact, and `resume` continues it. */
export function lossOf(plan: SweepPlan, opts: SweepCommandOptions, server: string): ServerLoss {
  const resume = `ntk-sweep resume ${plan.runDir}${opts.address ? ` --address ${opts.address}` : ''}${opts.namespace ? ` --namespace ${opts.namespace}` : ''}`;
  return { server, resume, waitMs: serverWaitMs(), note };
}

export interface Watched {
  outcome: FollowOutcome;
  /** When watching began (the wall time of the result counts from it). */
  startedAtMs: number;
}

/** Shows the sweep's progress until it ends, `interrupted` resolves, or its server is lost (`serverLoss`). */
export async function watchSweep(
  handle: WorkflowHandle,
  plan: SweepPlan,
  opts: SweepCommandOptions,
  connection: Connection,
  how: { interrupted: Promise<void>; serverLoss?: ServerLoss; stalledBy?: () => Error | undefined },
): Promise<Watched> {
  const startedAtMs = Date.now();
  const mode = progressMode(opts);
  const view = makeProgressView(mode, {
    intervalMs: (opts.intervalS ?? 10) * 1000,
    costs: trialCostsOf(plan.loaded, opts),
  });
  const outcome = await followSweep(handle, view, {
    connection,
    pollMs: mode === 'bar' ? 500 : 1000,
    interrupted: how.interrupted,
    serverLoss: how.serverLoss,
    stalledBy: how.stalledBy,
  });
  if (outcome.kind === 'finished') view.update(progressOfResult(outcome.result, new Date(startedAtMs).toISOString()));
  view.stop();
  return { outcome, startedAtMs };
}

/** Prints how the sweep ended and returns the exit code. */
export function reportEnd(
  outcome: { kind: 'finished'; result: SweepResult } | { kind: 'failed'; error: Error },
  plan: SweepPlan,
  opts: SweepCommandOptions,
  startedAtMs: number,
): number {
  const wallMs = Date.now() - startedAtMs;
  if (outcome.kind === 'failed') {
    const cause = outcome.error instanceof WorkflowFailedError ? outcome.error.cause : undefined;
    const why = cause?.message ?? outcome.error.message;
    // A failure of the sweep carries its type; one the watcher met itself (a full disk under the
    // embedded server) is known by its name.
    const type =
      cause instanceof ApplicationFailure
        ? cause.type
        : outcome.error instanceof WorkflowFailedError
          ? undefined
          : outcome.error.name;
    if (type === DISK_FULL_FAILURE) {
      note(
        `the sweep ${plan.sweepId} stopped: ${why}\nFree space on that disk, then continue with:\n  ntk-sweep resume ${plan.runDir}`,
      );
    } else {
      note(`the sweep ${plan.sweepId} failed: ${why}`);
    }
    return failureKind(type) ? exitCodeOf(type) : EXIT_SWEEP_FAILED;
  }
  const r = outcome.result;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...resultJson(r), run_dir: plan.runDir, wall_s: wallMs / 1000 })}\n`);
  } else {
    const parts = [`${r.ok} ok`, `${r.diverged} diverged`, `${r.failed} failed`];
    if (r.skipped) parts.push(`${r.skipped} already complete`);
    const verb = r.status === 'cancelled' ? 'was cancelled' : 'completed';
    process.stdout.write(
      `sweep ${r.sweepId} ${verb}: ${r.ok + r.diverged + r.failed}/${r.total} trials (${parts.join(', ')}) in ${formatDuration(wallMs / 1000)}; ` +
        `tables in ${plan.runDir}${r.aggregated ? ' (summary and fits written)' : ''}\n`,
    );
    if (r.aggregateError) note(`warning: the aggregation failed: ${r.aggregateError}`);
    if (r.failed > 0 || r.status === 'cancelled')
      note(`run the missing and failed trials with: ntk-sweep resume ${plan.runDir}`);
  }
  return r.failed > 0 ? reportFailedTrials(plan.runDir, note) : EXIT_OK;
}

function resultJson(r: SweepResult): Record<string, unknown> {
  return {
    sweep_id: r.sweepId,
    status: r.status,
    total: r.total,
    ok: r.ok,
    diverged: r.diverged,
    failed: r.failed,
    skipped: r.skipped,
    aggregated: r.aggregated,
    aggregate_error: r.aggregateError ?? null,
    runs: r.runs,
  };
}
