/**
 * `runTrial` (GPU queue): one trial through the core's executeTrial, which skips a complete trial,
 * resumes from RUN/checkpoints/<trial_id> (so a retry on another worker continues mid-training)
 * and writes the trial's tables. Heartbeats carry the step; a cancelled activity (worker shutdown,
 * sweep cancelled) stops at the next logged step, leaving its last checkpoint for the retry.
 * Divergence is a result (status `diverged`), never a failure.
 */
import { Context } from '@temporalio/activity';
import type { BackendName } from '../src/backend/select.js';
import { executeTrial } from '../src/trial/execute-trial.js';
import type { RunTrialInput, RunTrialResult } from '../workflows/shared.js';
import { toFailure } from './failures.js';
import { loadRunConfig, pointAt } from './run-config.js';

export interface RunTrialDeps {
  /** The worker's compute backend (`ntk-sweep worker --backend`); default: the config's execution.backend. */
  backend?: BackendName;
}

/** What a heartbeat says: how far training got. */
export interface TrialHeartbeat {
  trialId: string;
  step: number;
  steps: number;
}

export function makeRunTrial(deps: RunTrialDeps = {}) {
  return async function runTrial(input: RunTrialInput): Promise<RunTrialResult> {
    const ctx = Context.current();
    const attempt = ctx.info.attempt;
    const t0 = performance.now();
    let last: TrialHeartbeat = { trialId: input.trialId, step: 0, steps: 0 };
    // Between logged steps (data, analytic kernels, writing tables) the timer keeps heartbeats going.
    const timer = setInterval(() => ctx.heartbeat(last), heartbeatEveryMs(ctx));
    try {
      const rc = loadRunConfig(input);
      const point = pointAt(rc, input.index, input.trialId);
      const r = await executeTrial({
        runDir: input.runDir,
        loaded: rc.loaded,
        point,
        sweepId: rc.sweepId,
        backend: deps.backend,
        attempt,
        checkpointEvery: input.checkpointEvery,
        onProgress: (step: number, steps: number) => {
          last = { trialId: input.trialId, step, steps };
          ctx.heartbeat(last);
          // Throws the CancelledFailure when the server or the worker cancelled this attempt.
          if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
        },
        onNote: (line: string) => ctx.log.warn(line),
      });
      return {
        trialId: r.trialId,
        status: r.status,
        skipped: r.skipped,
        startedFromStep: r.startedFromStep,
        stepsComputed: r.stepsComputed,
        wallMs: performance.now() - t0,
      };
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
