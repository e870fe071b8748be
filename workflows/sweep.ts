/**
 * The sweep workflow (docs/design.md §8): plan the grid page by page (never the whole grid in history),
 * keep at most `max_parallel` trials in flight on the GPU queue, record a trial that keeps failing
 * as `failed` and go on, continue-as-new before the history grows past a few thousand events,
 * then aggregate. A full disk stops the sweep instead: no new trials, and once the running ones
 * end the workflow fails as DiskFullError (`resume` goes on after space is freed). Query `progress`; signals `pause`, `resume`, `cancel` (graceful: no new trials,
 * the running ones finish).
 *
 * Deterministic orchestration only: no files, clocks (Date.now is the workflow task's time),
 * randomness or TensorFlow.js here.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SweepActivities } from '../activities/index.js';
// The one runtime import from src/: a table of names, without imports or I/O.
import { CONFIG_FAILURE, DISK_FULL_FAILURE, NON_RETRYABLE_TYPES } from '../src/failure-kinds.js';
import {
  CANCEL_SIGNAL,
  CPU_QUEUE,
  GPU_QUEUE,
  PAUSE_SIGNAL,
  PROGRESS_QUERY,
  RESUME_SIGNAL,
  type PlanSummary,
  type PlannedTrial,
  type SweepCarry,
  type SweepInput,
  type SweepPhase,
  type SweepProgress,
  type SweepResult,
  type TrialCounts,
} from './shared.js';

export const progressQuery = defineQuery<SweepProgress>(PROGRESS_QUERY);
export const pauseSignal = defineSignal(PAUSE_SIGNAL);
export const resumeSignal = defineSignal(RESUME_SIGNAL);
export const cancelSignal = defineSignal(CANCEL_SIGNAL);

/** Defaults of the tunables in {@link SweepInput}. */
export const SWEEP_DEFAULTS: Readonly<
  Record<
    'maxHistoryEvents' | 'heartbeatTimeoutS' | 'checkpointEvery' | 'planPageSize' | 'compactEvery' | 'compactAfterS',
    number
  >
> = {
  maxHistoryEvents: 2000,
  heartbeatTimeoutS: 30,
  checkpointEvery: 200,
  planPageSize: 500,
  compactEvery: 1000,
  compactAfterS: 300,
};

/** Histories recorded before compaction existed replay without its activities. */
export const COMPACTION_PATCH = 'compaction';

const cpu = proxyActivities<Pick<SweepActivities, 'plan' | 'planPage' | 'recordFailed'>>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 10, maximumInterval: '30 seconds', nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES] },
});

/** The aggregation reads every table: longer, and not worth ten attempts. */
const aggregation = proxyActivities<Pick<SweepActivities, 'aggregate'>>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '30 minutes',
  retry: { maximumAttempts: 3, maximumInterval: '30 seconds', nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES] },
});

/** Compaction merges files (src/tables/compact.ts): minutes at most, and safe to run again. */
const compaction = proxyActivities<Pick<SweepActivities, 'compact'>>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '30 minutes',
  retry: { maximumAttempts: 3, maximumInterval: '30 seconds', nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES] },
});

/** Runs a sweep to the end (or to a graceful cancel); see the module comment. */
export async function sweepWorkflow(input: SweepInput): Promise<SweepResult> {
  const opts = { ...SWEEP_DEFAULTS, ...definedOnly(input) };
  const ref = { runDir: input.runDir, configDir: input.configDir };
  const carry = input.carry;

  let plan: PlanSummary | undefined = carry?.plan;
  let cursor = carry?.cursor ?? 0;
  let queue: PlannedTrial[] = carry ? [...carry.queue] : [];
  const counts: TrialCounts = carry ? { ...carry.counts } : { ok: 0, diverged: 0, failed: 0, skipped: 0 };
  const startedAtMs = carry?.startedAtMs ?? Date.now();
  const runs = (carry?.runs ?? 0) + 1;
  let paused = carry?.paused ?? false;
  let cancelling = carry?.cancelling ?? false;
  let running = 0;
  /** Why the sweep stops: the disk is full (nothing more can be written until space is freed). */
  let diskFull: string | undefined;
  let phase: SweepPhase = plan ? 'running' : 'planning';

  setHandler(progressQuery, () => {
    const total = plan?.total ?? 0;
    return {
      sweepId: input.sweepId,
      total,
      ...counts,
      running,
      pending: Math.max(0, total - counts.ok - counts.diverged - counts.failed - running),
      maxParallel: plan?.maxParallel ?? 0,
      phase,
      paused,
      cancelling,
      startedAt: new Date(startedAtMs).toISOString(),
      run: runs,
    };
  });
  setHandler(pauseSignal, () => void (paused = true));
  setHandler(resumeSignal, () => void (paused = false));
  setHandler(cancelSignal, () => void (cancelling = true));

  if (!plan) {
    plan = await cpu.plan(ref);
    if (plan.sweepId !== input.sweepId) {
      throw ApplicationFailure.nonRetryable(
        `${input.runDir} now holds sweep ${plan.sweepId}, not ${input.sweepId}: its config.yaml was changed after launch`,
        CONFIG_FAILURE,
      );
    }
    phase = 'running';
  }
  const sweep = plan;

  // Compaction as trials complete: every `compactEvery` completions, or at the first completion
  // `compactAfterS` after the last one started; one at a time, in the background. Workflow time
  // and counts only, so replays decide the same.
  const compacts = patched(COMPACTION_PATCH);
  let sinceCompaction = carry?.compaction?.since ?? 0;
  let lastCompactionMs = carry?.compaction?.lastMs ?? Date.now();
  let compacting = false;
  const maybeCompact = (): void => {
    if (!compacts || compacting || sinceCompaction === 0) return;
    if (sinceCompaction < opts.compactEvery && Date.now() - lastCompactionMs < opts.compactAfterS * 1000) return;
    compacting = true;
    sinceCompaction = 0;
    lastCompactionMs = Date.now();
    void compaction
      .compact(ref)
      // A failed compaction leaves the folder readable as it was; the next one, or the last, retries.
      .catch(() => undefined)
      .finally(() => void (compacting = false));
  };

  const trials = proxyActivities<Pick<SweepActivities, 'runTrial'>>({
    taskQueue: GPU_QUEUE,
    startToCloseTimeout: sweep.trialTimeoutS * 1000,
    heartbeatTimeout: opts.heartbeatTimeoutS * 1000,
    retry: {
      maximumAttempts: sweep.retries + 1,
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '30 seconds',
      nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES],
    },
  });

  /** One trial to its end: ok or diverged from the activity, or failed once retries are spent. */
  const runOne = async (trial: PlannedTrial): Promise<void> => {
    try {
      const r = await trials.runTrial({ ...ref, ...trial, checkpointEvery: opts.checkpointEvery });
      if (r.status === 'ok') counts.ok++;
      else counts.diverged++;
      sinceCompaction++;
      maybeCompact();
    } catch (err) {
      // A cancelled workflow (e.g. from the Temporal UI) ends without counting the trial.
      if (isCancellation(err)) return;
      if (!(err instanceof ActivityFailure)) throw err;
      if (isDiskFull(err)) {
        // Not recorded (that row could not be written either): resume runs the trial again.
        diskFull ??= err.cause!.message;
        return;
      }
      try {
        await cpu.recordFailed({
          ...ref,
          ...trial,
          error: failureMessage(err),
          attempts: attemptsOf(err, sweep.retries),
        });
      } catch {
        // The row could not be written (its retries are spent too); the trial stays missing and
        // `resume` runs it again. The sweep goes on either way.
      }
      counts.failed++;
    } finally {
      running--;
    }
  };
  const launch = (trial: PlannedTrial): void => {
    running++;
    void runOne(trial);
  };

  const historyFull = (): boolean =>
    workflowInfo().historyLength >= opts.maxHistoryEvents || workflowInfo().continueAsNewSuggested;

  let continueLater = false;
  for (;;) {
    await condition(() => cancelling || diskFull !== undefined || (!paused && running < sweep.maxParallel));
    if (cancelling || diskFull !== undefined) break;
    if (queue.length === 0) {
      if (cursor >= sweep.total) break;
      const page = await cpu.planPage({ ...ref, from: cursor, limit: opts.planPageSize });
      queue = page.trials;
      cursor = page.next;
      counts.ok += page.complete.ok;
      counts.diverged += page.complete.diverged;
      counts.skipped += page.complete.ok + page.complete.diverged;
      continue;
    }
    if (historyFull()) {
      continueLater = true;
      break;
    }
    launch(queue.shift()!);
  }

  // Activities cannot be carried over continue-as-new: the window drains first.
  if (continueLater || cancelling || diskFull !== undefined) phase = 'draining';
  await condition(() => running === 0 && !compacting);
  if (diskFull !== undefined) throw ApplicationFailure.nonRetryable(diskFull, DISK_FULL_FAILURE);

  if (continueLater && !cancelling) {
    const next: SweepCarry = {
      plan: sweep,
      cursor,
      queue,
      counts,
      startedAtMs,
      paused,
      cancelling,
      runs,
      ...(compacts ? { compaction: { since: sinceCompaction, lastMs: lastCompactionMs } } : {}),
    };
    await continueAsNew<typeof sweepWorkflow>({ ...input, carry: next });
  }

  const result = (status: SweepResult['status'], aggregated: boolean): SweepResult => ({
    sweepId: input.sweepId,
    total: sweep.total,
    ...counts,
    status,
    aggregated,
    runs,
  });
  if (cancelling) {
    phase = 'finished';
    return result('cancelled', false);
  }
  phase = 'aggregating';
  // The last compaction, so that the aggregation and every later reader open a few part files.
  let compactError: string | undefined;
  if (compacts) {
    try {
      await compaction.compact(ref);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      if (isDiskFull(err)) throw ApplicationFailure.nonRetryable(err.cause!.message, DISK_FULL_FAILURE);
      compactError = failureMessage(err);
    }
  }
  // The trials are done whatever happens here: a failed aggregation is reported, not fatal.
  let aggregated = false;
  let aggregateError: string | undefined;
  try {
    await aggregation.aggregate(ref);
    aggregated = true;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    if (isDiskFull(err)) throw ApplicationFailure.nonRetryable(err.cause!.message, DISK_FULL_FAILURE);
    aggregateError = failureMessage(err);
  }
  phase = 'finished';
  return {
    ...result('completed', aggregated),
    ...(aggregateError ? { aggregateError } : {}),
    ...(compactError ? { compactError } : {}),
  };
}

function isDiskFull(err: ActivityFailure): boolean {
  return err.cause instanceof ApplicationFailure && err.cause.type === DISK_FULL_FAILURE;
}

/** The last attempt's error, as the trial's `error` column shows it. */
function failureMessage(err: ActivityFailure): string {
  const cause = err.cause;
  if (!cause) return err.message;
  const type = cause instanceof ApplicationFailure && cause.type ? `${cause.type}: ` : '';
  return `${type}${cause.message}`;
}

/** Attempts made: reported by the activity on its failure (details[0].attempt), else inferred from why retrying stopped. */
function attemptsOf(err: ActivityFailure, retries: number): number {
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    const detail = cause.details?.[0] as { attempt?: unknown } | undefined;
    if (typeof detail?.attempt === 'number') return detail.attempt;
  }
  return err.retryState === 'MAXIMUM_ATTEMPTS_REACHED' ? retries + 1 : 1;
}

/** The input's tunables that are set (undefined must not override a default). */
function definedOnly(input: SweepInput): Partial<Record<keyof typeof SWEEP_DEFAULTS, number>> {
  const out: Partial<Record<keyof typeof SWEEP_DEFAULTS, number>> = {};
  for (const key of Object.keys(SWEEP_DEFAULTS) as (keyof typeof SWEEP_DEFAULTS)[]) {
    const v = input[key];
    if (typeof v === 'number') out[key] = v;
  }
  return out;
}
