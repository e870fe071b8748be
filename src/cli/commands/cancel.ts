/**
 * `ntk-sweep cancel RUN_DIR|SWEEP_ID [--now]`: stops a sweep gracefully (no new trials; running
 * ones finish) or, with --now, at once (running trials keep their checkpoints). `ntk-sweep pause`
 * stops launching until `ntk-sweep resume`.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { OutcomeArgs } from '../command-outcome.js';
import { serverOptions, toControlOptions, type ServerArgs } from './sweep-options.js';

interface CancelArgs extends ServerArgs, OutcomeArgs {
  target: string;
  now?: boolean;
}

export const cancelSweepCommand: CommandModule<object, CancelArgs> = {
  command: 'cancel <target>',
  describe: 'cancel a sweep: no new trials start, running ones finish (--now: stop at once)',
  builder: (y: Argv) =>
    serverOptions(
      y
        .example('$0 cancel runs/quickstart', 'no new trials; running ones finish')
        .example('$0 cancel runs/quickstart --now', 'stop at once')
        .positional('target', { type: 'string', describe: 'run folder, or sweep id', demandOption: true })
        .option('now', { type: 'boolean', describe: 'terminate at once instead of letting running trials finish' }),
    ) as unknown as Argv<CancelArgs>,
  handler: async (args: ArgumentsCamelCase<CancelArgs>) => {
    const { cancelCommand } = await import('../../../orchestration/control.js');
    args.outcome.exitCode = await cancelCommand(args.target, toControlOptions(args));
  },
};

export const pauseSweepCommand: CommandModule<object, CancelArgs> = {
  command: 'pause <target>',
  describe: 'pause a sweep: running trials finish, no new ones start until ntk-sweep resume',
  builder: (y: Argv) =>
    serverOptions(y.example('$0 pause runs/quickstart', 'then: $0 resume runs/quickstart').positional('target', { type: 'string', describe: 'run folder, or sweep id', demandOption: true })) as unknown as Argv<CancelArgs>,
  handler: async (args: ArgumentsCamelCase<CancelArgs>) => {
    const { pauseCommand } = await import('../../../orchestration/control.js');
    args.outcome.exitCode = await pauseCommand(args.target, toControlOptions(args));
  },
};
