/**
 * `ntk-sweep run CONFIG.yaml [--address HOST:PORT] [--detach] [--json]`: runs a sweep through
 * Temporal (orchestration/launch.ts). Without --address: the embedded server (its database in the
 * run folder) and in-process workers, stopped at the end. A config error, an unreachable address
 * or a missing Temporal CLI is reported before anything starts or is written.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { OutcomeArgs } from '../command-outcome.js';
import { sweepOptions, toSweepOptions, type SweepArgs } from './sweep-options.js';

interface RunArgs extends SweepArgs, OutcomeArgs {
  config: string;
  yes?: boolean;
}

export const runSweepCommand: CommandModule<object, RunArgs> = {
  command: 'run <config>',
  describe: 'run a sweep (embedded Temporal server by default; --address for a cluster)',
  builder: (y: Argv) =>
    sweepOptions(
      y
        .example('$0 run configs/quickstart.yaml', 'embedded server and workers, a progress bar, then the result')
        .example('$0 run configs/quickstart.yaml --address temporal:7233 --detach', 'start it on a cluster and return')
        .positional('config', { type: 'string', describe: 'sweep config (YAML)', demandOption: true })
        .option('yes', { type: 'boolean', describe: 'run grids of more than 100 000 trials' }),
    ) as unknown as Argv<RunArgs>,
  handler: async (args: ArgumentsCamelCase<RunArgs>) => {
    const { runCommand } = await import('../../../orchestration/launch.js');
    args.outcome.exitCode = await runCommand(args.config, toSweepOptions(args));
  },
};
