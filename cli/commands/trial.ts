/**
 * `ntk-sweep trial CONFIG.yaml (--trial ID | --width W --depth D --lr L --seed S …)
 *  [--run-dir DIR] [--backend B] [--checkpoint-every N]`: runs one trial end to end in this process
 * and writes its tables into the run folder (default: the config's `output`), exactly as a sweep's
 * worker would (src/trial/execute-trial.ts): a trial already complete there is skipped, one with a
 * checkpoint resumes from it. Prints a short summary; a diverged trial is a result (exit 0).
 *
 * With --trial the trial is a point of the config's grid, named by its id (or a unique prefix of
 * it); with parameter flags it is the config with those fields set, gridded fields no flag sets
 * taking their first value (a note says which). Such a trial that is not a point of the grid is
 * refused in the sweep's own run folder (it would be counted with the sweep): give it --run-dir.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { BACKEND_NAMES, type BackendName } from '../../src/backend/names.js';
import type { TrialPoint } from '../../src/config/expand.js';
import type { Assignment, LoadedConfig } from '../../src/config/loader.js';
import { runDirOf } from '../../src/config/summary.js';
import type { SweepConfig } from '../../src/config/types.js';
import type { ExecuteTrialResult } from '../../src/trial/execute-trial.js';
import { defineCommand, note, printOut } from '../command.js';
import { anyFieldFlag, flagAssignments, unsetAxisNotes, withFieldFlags, type FieldFlagArgs } from '../field-flags.js';
import { UsageError } from '../usage-error.js';
import { OutputError } from '../../src/errors.js';
import { whyNotWritable } from '../../src/tables/sync.js';

interface TrialArgs extends FieldFlagArgs {
  config: string;
  trial?: string;
  runDir?: string;
  backend?: BackendName;
  checkpointEvery?: number;
}

// One key for the positional and the flag: `trial CONFIG RUN_DIR` as the other commands take a run folder, `--run-dir RUN_DIR` kept.
const RUN_DIR_HELP = 'run folder to write the tables into (default: the config’s output); --run-dir DIR is the same';

export const trialCommand = defineCommand<TrialArgs>({
  command: 'trial <config> [run-dir]',
  describe: 'run one trial of a sweep in this process and write its tables into the run folder',
  examples: [
    ['$0 trial configs/quickstart.yaml --width 64 --seed 1', 'one trial, written into the config’s run folder'],
    ['$0 trial configs/quickstart.yaml --trial 3f2a runs/try', 'the grid point whose id starts 3f2a, into runs/try'],
  ],
  flags: (y) =>
    withFieldFlags(
      y
        .positional('config', { type: 'string', describe: 'sweep config (YAML)', demandOption: true })
        .positional('run-dir', { type: 'string', describe: RUN_DIR_HELP }),
    )
      .option('trial', {
        type: 'string',
        describe: 'the trial id (from ntk-sweep validate CONFIG --format json), or a unique prefix',
      })
      .option('run-dir', { type: 'string', describe: RUN_DIR_HELP })
      .option('backend', {
        choices: BACKEND_NAMES,
        describe: 'TensorFlow.js backend (default: the config’s execution.backend, auto unless set)',
      })
      .option('checkpoint-every', {
        type: 'number',
        describe: 'save a checkpoint every N steps (RUN/checkpoints), so that an interrupted run resumes',
      }),
  run: runTrialCommand,
});

/** The grid point whose id is `id` or starts with it (unique); a UsageError saying how to list ids otherwise. */
export async function findPoint(loaded: LoadedConfig, id: string): Promise<TrialPoint> {
  const { expandGrid } = await import('../../src/config/expand.js');
  const points = expandGrid(loaded, { yes: true });
  const exact = points.find((p) => p.trialId === id);
  if (exact) return exact;
  const byPrefix = id.length >= 4 ? points.filter((p) => p.trialId.startsWith(id)) : [];
  if (byPrefix.length === 1) return byPrefix[0];
  const listHow = `list them with: ntk-sweep validate ${loaded.file} --format json`;
  if (byPrefix.length > 1) {
    throw new UsageError(
      `ntk-sweep trial: '${id}' is the start of ${byPrefix.length} trial ids (${byPrefix
        .slice(0, 5)
        .map((p) => p.trialId)
        .join(', ')}…); give more of it`,
    );
  }
  throw new UsageError(
    `ntk-sweep trial: ${loaded.file} has no trial '${id}' (its grid has ${points.length} trial${points.length === 1 ? '' : 's'}; ${listHow})`,
  );
}

/**
 * A trial set by flags that is not a point of the grid must not go into the sweep's own folder:
 * there it would be read, aggregated and reported as one of the sweep's trials.
 */
async function refuseOffGrid(
  loaded: LoadedConfig,
  config: SweepConfig,
  assignments: readonly Assignment[],
  runDir: string,
): Promise<void> {
  const [{ trialIdOf }, { expandGrid }] = await Promise.all([
    import('../../src/config/ids.js'),
    import('../../src/config/expand.js'),
  ]);
  if (runDir !== runDirOf(loaded.config)) return;
  const id = trialIdOf(config);
  if (expandGrid(loaded, { yes: true }).some((p) => p.trialId === id)) return;
  const flags = assignments.map((a) => `${a.origin} ${String(a.value)}`).join(' ');
  throw new UsageError(
    `ntk-sweep trial: ${flags} is not a point of the grid of ${loaded.file}, and ${runDir} is that sweep's run folder ` +
      `(a trial there counts as one of the sweep's); give it another folder with --run-dir DIR, or add the value to the grid`,
  );
}

/** Creates the run folder if needed and fails now, before any training, when it cannot be written. */
function checkRunDir(runDir: string): void {
  try {
    mkdirSync(runDir, { recursive: true });
    accessSync(runDir, constants.W_OK);
  } catch (e) {
    throw new OutputError(`cannot write the run folder ${runDir}: ${whyNotWritable(e)}`);
  }
}

/** The command's work; throws the typed errors the CLI reports (cli/report-error.ts). */
export async function runTrialCommand(args: TrialArgs): Promise<void> {
  if (args.trial !== undefined && anyFieldFlag(args)) {
    throw new UsageError(
      'ntk-sweep trial: give --trial ID or parameter flags (--width, --depth, --lr, --seed, --steps), not both',
    );
  }
  if (args.checkpointEvery !== undefined && !(Number.isInteger(args.checkpointEvery) && args.checkpointEvery > 0)) {
    throw new UsageError(
      `ntk-sweep trial: --checkpoint-every must be a positive whole number of steps, got ${args.checkpointEvery}`,
    );
  }
  const { loadConfig, resolveTrial } = await import('../../src/config/loader.js');
  const loaded = loadConfig(args.config);
  let point: TrialPoint | undefined;
  let config: SweepConfig;
  const assignments = flagAssignments(args);
  if (args.trial !== undefined) {
    point = await findPoint(loaded, args.trial.trim());
    config = resolveTrial(loaded, point.assignments);
  } else {
    config = resolveTrial(loaded, assignments);
    const { checkOverrideSizes } = await import('../../src/config/size-limits.js');
    checkOverrideSizes(loaded, config, assignments);
  }
  const runDir = args.runDir !== undefined ? path.resolve(args.runDir) : runDirOf(config);
  if (!point && assignments.length > 0) await refuseOffGrid(loaded, config, assignments, runDir);
  if (!point) for (const line of unsetAxisNotes(loaded, assignments, 'the trial command runs one trial')) note(line);
  // The data set before the run folder: bad data leaves nothing behind, not even an empty folder.
  const { checkTrialData } = await import('../../src/data/check-data.js');
  checkTrialData(config, loaded.dir);
  checkRunDir(runDir);

  // TensorFlow.js is loaded only now, so bad input is reported without waiting for it.
  const { executeTrial } = await import('../../src/trial/execute-trial.js');
  const result = await executeTrial({
    runDir,
    loaded,
    ...(point ? { point } : { config }),
    backend: args.backend,
    checkpointEvery: args.checkpointEvery,
    onNote: note,
  });
  const text = `${summaryLines(result, point, config, runDir).join('\n')}\n`;
  await printOut(text);
}

const fmt = (v: number | null | undefined, digits = 4): string =>
  v === null || v === undefined ? 'n/a' : v.toPrecision(digits);

function describeTrial(point: TrialPoint | undefined, config: SweepConfig): string {
  if (point && Object.keys(point.params).length > 0) {
    return Object.entries(point.params)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ');
  }
  return `width ${config.model.width}, depth ${config.model.depth}, lr ${config.train.lr}, seed ${config.seed}`;
}

/** The summary printed on stdout. */
export function summaryLines(
  r: ExecuteTrialResult,
  point: TrialPoint | undefined,
  config: SweepConfig,
  runDir: string,
): string[] {
  const head = `trial ${r.trialId} (${describeTrial(point, config)})`;
  if (r.skipped) {
    return [`${head}: already complete in ${runDir} (status ${r.status}); nothing to do`];
  }
  const t = r.tables!.trials;
  const how =
    t.status === 'diverged'
      ? `diverged at step ${t.diverged_at_step} of ${t.steps}`
      : `ok, ${t.steps} steps${r.startedFromStep > 0 ? ` (resumed at step ${r.startedFromStep})` : ''}`;
  const lines = [
    `${head}: ${how} in ${t.wall_s.toFixed(2)} s [${t.backend}: ${t.device}]`,
    `  final train loss ${fmt(t.final_train_loss)}, test loss ${fmt(t.final_test_loss)}`,
    `  kernel_rel_err ${fmt(t.final_kernel_rel_err, 3)}, kernel_drift ${fmt(t.final_kernel_drift, 3)}, weight_change ${fmt(t.final_weight_change, 3)}`,
  ];
  if (t.eta_crit !== null) {
    const flag = t.lr_over_crit !== null && t.lr_over_crit > 1 ? ' — above η_crit: catapult/divergence regime' : '';
    lines.push(`  lr ${t.lr} = ${fmt(t.lr_over_crit, 3)} η_crit (η_crit = 2N/λ_max(Θ∞) = ${fmt(t.eta_crit)})${flag}`);
  }
  lines.push(`  tables written to ${runDir}`);
  return lines;
}
