/**
 * The names and shapes shared by the sweep workflow, its activities, the workers and the CLI:
 * task queues, workflow ids, signal/query names, and every input/result type (failure types:
 * src/failure-kinds.ts). No runtime imports, so the workflow bundle may include it (docs/design.md §8, CONVENTIONS 2).
 */

/** Task queue of `runTrial` (training: the GPU hosts). */
export const GPU_QUEUE = 'ntk-gpu';
/** Task queue of the workflow and the light activities (plan, recordFailed, aggregate). */
export const CPU_QUEUE = 'ntk-cpu';
export const QUEUES = { gpu: GPU_QUEUE, cpu: CPU_QUEUE } as const;
export type QueueName = keyof typeof QUEUES;

/** The workflow id of a sweep: launching the same sweep twice finds the same workflow. */
export function sweepWorkflowId(sweepId: string): string {
  return `sweep-${sweepId}`;
}

/** Signal and query names (strings here so the CLI needs no workflow import to use them). */
export const PROGRESS_QUERY = 'progress';
export const PAUSE_SIGNAL = 'pause';
export const RESUME_SIGNAL = 'resume';
export const CANCEL_SIGNAL = 'cancel';

/** Where a sweep's files are, as every worker sees them. */
export interface RunRef {
  /** Absolute path of the run folder (RUN/config.yaml, RUN/manifest.json, the tables). */
  runDir: string;
  /** Folder that relative paths in the config (CSV data) start from: the folder of the config as launched. */
  configDir: string;
}

export interface SweepInput extends RunRef {
  sweepId: string;
  /** Trials between continue-as-new unless overridden: the history stays under a few thousand events. */
  maxHistoryEvents?: number;
  /** Heartbeat timeout of runTrial, seconds: how soon a killed worker's trial is retried elsewhere. */
  heartbeatTimeoutS?: number;
  /** Training steps between checkpoints. */
  checkpointEvery?: number;
  /** Trials planned per plan activity (the workflow never holds the whole grid). */
  planPageSize?: number;
  /** Completed trials between compactions of the run folder (docs/run-folder.md). */
  compactEvery?: number;
  /** Seconds after which a completion starts a compaction even before `compactEvery` trials. */
  compactAfterS?: number;
  /** State carried across continue-as-new; absent on the first run. */
  carry?: SweepCarry;
}

/** What one run of the workflow hands the next through continue-as-new. */
export interface SweepCarry {
  plan: PlanSummary;
  /** Next grid index not yet planned. */
  cursor: number;
  /** Planned trials not yet started. */
  queue: PlannedTrial[];
  counts: TrialCounts;
  startedAtMs: number;
  paused: boolean;
  cancelling: boolean;
  /** Runs before this one in the continue-as-new chain. */
  runs: number;
  /** Completions since the last compaction started, and when it started (workflow time). */
  compaction?: { since: number; lastMs: number };
}

export interface TrialCounts {
  /** Finished with status ok (including those complete before this sweep started). */
  ok: number;
  diverged: number;
  failed: number;
  /** Of ok + diverged: already complete when planned (not trained by this sweep). */
  skipped: number;
}

/** The sweep as planned: its size and how to run it (from RUN/config.yaml's execution section). */
export interface PlanSummary {
  sweepId: string;
  total: number;
  maxParallel: number;
  retries: number;
  trialTimeoutS: number;
}

export interface PlannedTrial {
  /** Position in the expanded grid. */
  index: number;
  trialId: string;
}

export interface PlanPageInput extends RunRef {
  /** First grid index of the page. */
  from: number;
  /** At most this many grid indices are examined. */
  limit: number;
}

export interface PlanPageResult {
  /** Trials in [from, next) whose outputs are missing (or failed before): to run, longest first. */
  trials: PlannedTrial[];
  /** First index after the page (== total at the end). */
  next: number;
  /** Trials in [from, next) already complete, by status. */
  complete: { ok: number; diverged: number };
}

export interface RunTrialInput extends RunRef, PlannedTrial {
  checkpointEvery: number;
}

export interface RunTrialResult {
  trialId: string;
  status: 'ok' | 'diverged';
  /** Its outputs were already complete: nothing was computed. */
  skipped: boolean;
  /** The step training resumed from (0 without a checkpoint). */
  startedFromStep: number;
  /** Gradient steps executed by this attempt. */
  stepsComputed: number;
  /** Wall time inside the activity, ms (the benchmark subtracts it to get orchestration overhead). */
  wallMs: number;
}

export interface RecordFailedInput extends RunRef, PlannedTrial {
  error: string;
  attempts: number;
}

export type SweepPhase = 'planning' | 'running' | 'draining' | 'aggregating' | 'finished';

/** The answer of the `progress` query. */
export interface SweepProgress extends TrialCounts {
  sweepId: string;
  total: number;
  running: number;
  /** total − ok − diverged − failed − running (planned or not). */
  pending: number;
  maxParallel: number;
  phase: SweepPhase;
  paused: boolean;
  cancelling: boolean;
  /** When the first run of the chain started (ISO 8601). */
  startedAt: string;
  /** Runs of the continue-as-new chain so far (1 for the first). */
  run: number;
}

export interface SweepResult extends TrialCounts {
  sweepId: string;
  total: number;
  status: 'completed' | 'cancelled';
  /** The aggregation ran (false when cancelled, or when it failed). */
  aggregated: boolean;
  /** Why the aggregation failed (the trials are complete regardless). */
  aggregateError?: string;
  /** Why the last compaction failed (the trials are complete regardless; small files stay readable). */
  compactError?: string;
  runs: number;
}

/** What a compaction of the run folder did (src/tables/compact.ts). */
export interface CompactSummary {
  generation: number;
  compacted: number;
  parts: number;
  skipped?: 'nothing' | 'raced';
}

export interface AggregateResult {
  /** What was written, relative to the run folder. */
  wrote: string[];
}
