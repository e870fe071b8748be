/**
 * `runTrial` (GPU queue): one trial, handed to the worker's executor pool (executors/pool.ts) or
 * run in-process, through the core's executeTrial, which skips a complete trial, resumes from
 * RUN/checkpoints/<trial_id> (so a retry on another worker continues mid-training) and writes the
 * trial's tables. Heartbeats carry the step; a cancelled activity (worker shutdown, sweep
 * cancelled) stops at the next logged step, leaving its last checkpoint for the retry.
 * Divergence is a result (status `diverged`), never a failure.
 */
import { Context } from '@temporalio/activity';
import { inProcess, type TrialRunner } from '../executors/runner.js';
import type { BackendName } from '../src/backend/select.js';
import type { RunTrialInput, RunTrialResult } from '../workflows/shared.js';
import { toFailure } from './failures.js';

export interface RunTrialDeps {
  /** The worker's compute backend (`ntk-sweep worker --backend`); default: the config's execution.backend. */
  backend?: BackendName;
  /** Where trials run (default: in-process). */
  runner?: TrialRunner;
}

/** What a heartbeat says: how far training got. */
export interface TrialHeartbeat {
  trialId: string;
  step: number;
  steps: number;
}

export function makeRunTrial(deps: RunTrialDeps = {}) {
  const runner = deps.runner ?? inProcess;
  return async function runTrial(input: RunTrialInput): Promise<RunTrialResult> {
    const ctx = Context.current();
    const attempt = ctx.info.attempt;
    const t0 = performance.now();
    let last: TrialHeartbeat = { trialId: input.trialId, step: 0, steps: 0 };
    // Between logged steps (waiting for admission, analytic kernels, writing tables) the timer keeps heartbeats going.
    const timer = setInterval(() => ctx.heartbeat(last), heartbeatEveryMs(ctx));
    try {
      const r = await runner(
        { ...input, attempt, backend: deps.backend },
        {
          onProgress: (step, steps) => {
            last = { trialId: input.trialId, step, steps };
            ctx.heartbeat(last);
          },
          onNote: (line) => ctx.log.warn(line),
        },
        ctx.cancellationSignal,
      );
      return { ...r, wallMs: performance.now() - t0 };
    } catch (e) {
      throw toFailure(e, attempt);
    } finally {
      clearInterval(timer);
    }
  };
}

/** A third of the heartbeat timeout (the SDK throttles to it anyway), at most 10 s. */
function heartbeatEveryMs(ctx: Context): number {
  const timeout = ctx.info.heartbeatTimeoutMs ?? 30_000;
  return Math.max(200, Math.min(10_000, timeout / 3));
}
