/**
 * `ntk-sweep validate CONFIG.yaml [--yes] [--format text|json]`: checks a sweep config (and every
 * data file its trials read, src/data/check-data.ts) and prints
 * the resolved sweep — its id, trial count, axes, fixed settings and run folder; with
 * `--format json` also every trial's id and grid parameters. A config with problems prints every
 * problem (file:line:column) and exits 2. Nothing is written.
 */
import { defineCommand, printOut } from '../command.js';
import { withJsonAlias } from '../flag-conventions.js';

interface ValidateArgs {
  config: string;
  yes: boolean;
  format: 'text' | 'json';
}

export const validateCommand = defineCommand<ValidateArgs>({
  command: 'validate <config>',
  describe: 'check a sweep config and print the resolved sweep (id, trials, axes, output folder)',
  examples: [
    ['$0 validate configs/quickstart.yaml', 'the sweep’s id, trial count, axes and run folder'],
    ['$0 validate configs/quickstart.yaml --json', 'the same as JSON, with every trial id'],
  ],
  flags: (y) =>
    withJsonAlias(y)
      .positional('config', { type: 'string', describe: 'sweep config (YAML)', demandOption: true })
      .option('yes', { type: 'boolean', default: false, describe: 'accept a grid of more than 100 000 trials' })
      .option('format', {
        choices: ['text', 'json'] as const,
        default: 'text' as const,
        describe: 'text for reading; json adds every trial id and its parameters',
      }),
  run: runValidate,
});

/** The command's work; throws ConfigError or DatasetError (reported one line per problem, exit 2). */
export async function runValidate(args: ValidateArgs): Promise<void> {
  const [{ expandGrid }, { loadConfig }, { summarizeSweep, summaryText }, { executorsLine }, { checkSweepData }] =
    await Promise.all([
      import('../../src/config/expand.js'),
      import('../../src/config/loader.js'),
      import('../../src/config/summary.js'),
      import('../../src/config/size-limits.js'),
      import('../../src/data/check-data.js'),
    ]);
  const loaded = loadConfig(args.config);
  const points = expandGrid(loaded, { yes: args.yes });
  checkSweepData(loaded, points);
  const summary = summarizeSweep(loaded, points);
  const executors = executorsLine(loaded);
  const lines = summaryText(summary);
  // The executors line goes before the output folder, which stays last.
  lines.splice(-1, 0, executors);
  const text = args.format === 'json' ? `${JSON.stringify({ ...summary, executors })}\n` : `${lines.join('\n')}\n`;
  await printOut(text);
}
