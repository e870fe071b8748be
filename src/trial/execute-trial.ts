/**
 * One trial against a run folder, idempotently (docs/design.md §8, §11): skip it when its tables are
 * complete, resume from its checkpoint when there is one (a damaged or foreign checkpoint is
 * deleted and the trial started over), run it with checkpoints every `checkpointEvery` steps,
 * write its tables (src/tables/write.ts, `trials` last), then delete the checkpoint. The Temporal
 * activity (activities/run-trial.ts) and `ntk-sweep trial` are thin wrappers around it.
 */
import type { BackendName } from '../backend/select.js';
import { resolvePoint, type TrialPoint } from '../config/expand.js';
import { analyticIdOf, canonicalParams, sweepIdOf, trialIdOf } from '../config/ids.js';
import type { LoadedConfig } from '../config/loader.js';
import type { SweepConfig } from '../config/types.js';
import type { TrialStatus, TrialTables } from '../tables/rows.js';
import { writeTrialTables } from '../tables/write.js';
import { deleteCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint-store.js';
import { computeTrial } from './compute-trial.js';
import { checkTrial } from '../tables/read.js';
import type { TrialCheckpoint, TrialTimings } from './types.js';
import { CheckpointError } from '../errors.js';

export interface ExecuteTrialInput {
  runDir: string;
  loaded: LoadedConfig;
  /** The grid point to run (from expandGrid)… */
  point?: TrialPoint;
  /** …or a resolved config (e.g. from command-line flags); its trial id is trialIdOf(config). */
  config?: SweepConfig;
  /** Default sweepIdOf(loaded) (pass it when known: a CSV dataset is hashed to compute it). */
  sweepId?: string;
  backend?: BackendName;
  /** 1-based attempt number (the activity's); default: one more than the checkpoint's, else 1. */
  attempt?: number;
  /** Steps between checkpoints (rounded up to a multiple of log_every); none when absent. */
  checkpointEvery?: number;
  /** After every logged step: cheap enough for heartbeats; may throw to cancel (the checkpoint stays). */
  onProgress?: (stepsDone: number, stepsTotal: number) => Promise<void> | void;
  /** Lines worth telling a user (a discarded checkpoint). */
  onNote?: (line: string) => void;
  timings?: TrialTimings;
}

export interface ExecuteTrialResult {
  trialId: string;
  /** A trial that fails throws; one that ran (or had run) is ok or diverged. */
  status: Exclude<TrialStatus, 'failed'>;
  /** True when the trial was complete already and nothing ran. */
  skipped: boolean;
  /** The step training started from (a checkpoint's, else 0; the final step when skipped). */
  startedFromStep: number;
  /** Gradient-descent steps computed by this call. */
  stepsComputed: number;
  /** The tables written (absent when skipped). */
  tables?: TrialTables;
}

/**
 * Runs one trial into `runDir` unless it is complete there. Throws the core's typed errors for bad
 * input (ConfigError, DatasetError, BackendError, OutputError) and whatever onProgress throws.
 *
 * @example
 * const r = await executeTrial({ runDir, loaded, point, checkpointEvery: 200, onProgress: (s) => heartbeat(s) });
 */
export async function executeTrial(input: ExecuteTrialInput): Promise<ExecuteTrialResult> {
  const { runDir, loaded } = input;
  const config = input.point ? resolvePoint(loaded, input.point) : input.config;
  if (!config) throw new RangeError('executeTrial: give a grid point or a resolved config');
  const trialId = input.point?.trialId ?? trialIdOf(config);
  const steps = config.train.steps;

  const before = checkTrial(runDir, trialId);
  if (before.state === 'complete') {
    return { trialId, status: before.status, skipped: true, startedFromStep: steps, stepsComputed: 0 };
  }

  let resume: TrialCheckpoint | undefined;
  const found = await loadCheckpoint(runDir, trialId);
  if (found.state === 'ok') resume = found.checkpoint;
  else if (found.state === 'corrupt') {
    input.onNote?.(`${found.reason}; starting trial ${trialId} over`);
    await deleteCheckpoint(runDir, trialId);
  }

  const run = (from: TrialCheckpoint | undefined): Promise<TrialTables> =>
    computeTrial(config, {
      configDir: loaded.dir,
      sweepId: input.sweepId ?? sweepIdOf(loaded),
      trialId,
      analyticId: config.ntk.analytic ? analyticIdOf(config) : null,
      paramsJson: canonicalParams(config),
      attempt: input.attempt,
      backend: input.backend,
      resume: from,
      checkpointEvery: input.checkpointEvery,
      onCheckpoint: (ckpt) => saveCheckpoint(runDir, ckpt),
      onProgress: input.onProgress,
      timings: input.timings,
    });

  let tables: TrialTables;
  try {
    tables = await run(resume);
  } catch (e) {
    if (!(e instanceof CheckpointError) || !resume) throw e;
    input.onNote?.(`${e.message}; starting trial ${trialId} over`);
    await deleteCheckpoint(runDir, trialId);
    resume = undefined;
    tables = await run(undefined);
  }
  await writeTrialTables(runDir, tables);
  await deleteCheckpoint(runDir, trialId);
  const startedFromStep = resume?.step ?? 0;
  return {
    trialId,
    status: tables.trials.status === 'diverged' ? 'diverged' : 'ok',
    skipped: false,
    startedFromStep,
    stepsComputed: tables.trials.steps_done - startedFromStep,
    tables,
  };
}
