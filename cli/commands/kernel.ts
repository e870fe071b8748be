/**
 * `ntk-sweep kernel CONFIG.yaml [--width W] [--depth D] [--seed S] [--lr L] [--steps T]
 *  [--backend B] (--out FILE.parquet | --format json)`: the train-set kernels of one configuration —
 * analytic NTK and NNGP, empirical NTK at step 0 and, with --steps, at step T — as rows
 * `kind, step, row, values` (src/tables/kernel-table.ts).
 *
 * Gridded fields take their first value unless a flag sets them (a note on stderr says which).
 * Diverged training is a result, not an error: a warning, the step-0 rows, exit code 0.
 * Nothing is written unless everything succeeded (the file is written under a temporary name and
 * renamed into place).
 */
import { BACKEND_NAMES, type BackendName } from '../../src/backend/names.js';
import type { SweepConfig } from '../../src/config/types.js';
import { checkWritable, writeFileAtomic } from '../../src/io/atomic-write.js';
import type { KernelsForConfig } from '../../src/kernels-for-config.js';
import { defineCommand, note, printOut } from '../command.js';
import { withJsonAlias } from '../flag-conventions.js';
import { flagAssignments, unsetAxisNotes, withFieldFlags, type FieldFlagArgs } from '../field-flags.js';
import { UsageError } from '../usage-error.js';

interface KernelArgs extends FieldFlagArgs {
  config: string;
  out?: string;
  format: 'parquet' | 'json';
  backend?: BackendName;
}

export const kernelCommand = defineCommand<KernelArgs>({
  command: 'kernel <config>',
  describe: 'write the train-set kernels (analytic NTK and NNGP, empirical NTK) of one configuration',
  examples: [
    ['$0 kernel configs/quickstart.yaml --width 256 --out k.parquet', 'kernels at width 256 into a Parquet file'],
    ['$0 kernel configs/quickstart.yaml --steps 100 --json', 'also after 100 steps of training, as JSON on stdout'],
  ],
  flags: (y) =>
    withFieldFlags(
      withJsonAlias(y).positional('config', { type: 'string', describe: 'sweep config (YAML)', demandOption: true }),
      { steps: 'train this many steps and add the empirical NTK at that step (default: step 0 only)' },
    )
      .option('out', { type: 'string', describe: 'output file (Parquet; with --format json, JSON)' })
      .option('format', {
        choices: ['parquet', 'json'] as const,
        default: 'parquet' as const,
        describe: 'output format',
      })
      .option('backend', {
        choices: BACKEND_NAMES,
        describe: 'TensorFlow.js backend (default: the config’s execution.backend, auto unless set)',
      }),
  run: runKernel,
});

/** The command's work; throws the typed errors that the CLI reports (cli/report-error.ts). */
export async function runKernel(args: KernelArgs): Promise<void> {
  if (args.format === 'parquet' && !args.out) {
    throw new UsageError('ntk-sweep kernel: --out FILE.parquet is required (or print JSON with --format json)');
  }
  const { loadConfig, resolveTrial } = await import('../../src/config/loader.js');
  const loaded = loadConfig(args.config);

  const assignments = flagAssignments(args);
  // This command takes no snapshots (only steps 0 and --steps): the config's do not bound --steps.
  const ntk = loaded.raw.ntk;
  const unsnapped =
    typeof ntk === 'object' && ntk !== null
      ? { ...loaded, raw: { ...loaded.raw, ntk: { ...ntk, snapshots: undefined } } }
      : loaded;
  const config = resolveTrial(unsnapped, assignments);
  for (const line of unsetAxisNotes(loaded, assignments, 'the kernel command computes one configuration')) note(line);
  if (args.out) checkWritable(args.out);

  // TensorFlow.js is loaded only now, so bad input is reported without waiting for it.
  const { kernelsForConfig } = await import('../../src/kernels-for-config.js');
  const steps = args.steps !== undefined ? config.train.steps : 0;
  const result = await kernelsForConfig(config, { configDir: loaded.dir, steps, backend: args.backend });

  if (config.train.lr > result.etaCrit) {
    note(
      `warning: lr = ${config.train.lr} is above the critical learning rate η_crit = 2N/λ_max(Θ∞) = ` +
        `${result.etaCrit.toPrecision(4)}: training leaves the linearised regime (catapult or divergence)`,
    );
  }
  if (result.training?.status === 'diverged') {
    note(
      `warning: training diverged at step ${result.training.divergedAtStep} of ${result.training.steps} ` +
        `(status diverged); writing the step-0 kernels only`,
    );
  }

  if (args.format === 'json') {
    const text = `${JSON.stringify(toJson(config, result))}\n`;
    if (args.out) writeFileAtomic(args.out, text);
    else await printOut(text);
  } else {
    const { kernelTableToParquet, makeKernelTable } = await import('../../src/tables/kernel-table.js');
    const table = makeKernelTable(result.kernels, metadata(config, result));
    writeFileAtomic(args.out!, kernelTableToParquet(table));
  }
  const what = result.kernels.map((k) => (k.kind === 'empirical' ? `empirical@${k.step}` : k.kind)).join(', ');
  const rows = result.kernels.reduce((n, k) => n + k.kernel.rows, 0);
  const dest = args.out ?? 'stdout';
  note(`wrote ${rows} rows (${what}) to ${dest} [${result.backend.backend}: ${result.backend.device}]`);
}

/** The trial's parameters as recorded with the kernels (snake_case, as in the YAML and the tables). */
function trialParams(config: SweepConfig, result: KernelsForConfig): Record<string, unknown> {
  const s = result.spec;
  return {
    name: config.name,
    seed: config.seed,
    data_seed: config.dataset.seed,
    dataset: config.dataset.kind,
    n_train: config.dataset.nTrain,
    input_dim: s.inputDim,
    width: s.width,
    depth: s.depth,
    outputs: s.outputs,
    activation: s.activation,
    parameterization: s.parameterization,
    w_std: s.wStd,
    b_std: s.bStd,
    lr: config.train.lr,
  };
}

function trainingJson(result: KernelsForConfig): Record<string, unknown> | null {
  const t = result.training;
  if (!t) return null;
  return {
    steps: t.steps,
    status: t.status,
    diverged_at_step: t.divergedAtStep ?? null,
    final_train_loss: Number.isFinite(t.finalTrainLoss) ? t.finalTrainLoss : null,
  };
}

/**
 * The JSON printed by --format json: the trial's parameters, backend, η_crit, the training
 * outcome, and the rows with float64 values (the Parquet file stores them as float32).
 */
function toJson(config: SweepConfig, result: KernelsForConfig): Record<string, unknown> {
  const rows: { kind: string; step: number; row: number; values: number[] }[] = [];
  for (const k of result.kernels) {
    for (let i = 0; i < k.kernel.rows; i++) {
      rows.push({
        kind: k.kind,
        step: k.step,
        row: i,
        values: Array.from(k.kernel.data.subarray(i * k.kernel.cols, (i + 1) * k.kernel.cols)),
      });
    }
  }
  return {
    params: trialParams(config, result),
    backend: result.backend.backend,
    device: result.backend.device,
    eta_crit: Number.isFinite(result.etaCrit) ? result.etaCrit : null,
    training: trainingJson(result),
    rows,
  };
}

/** Key-value metadata of the Parquet file (strings; JSON where structured). */
function metadata(config: SweepConfig, result: KernelsForConfig): Record<string, string> {
  return {
    'ntk_sweep.params': JSON.stringify(trialParams(config, result)),
    'ntk_sweep.backend': result.backend.backend,
    'ntk_sweep.device': result.backend.device,
    'ntk_sweep.eta_crit': String(result.etaCrit),
    'ntk_sweep.training': JSON.stringify(trainingJson(result)),
  };
}
