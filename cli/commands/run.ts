/**
 * `ntk-sweep run CONFIG.yaml [--address HOST:PORT] [--detach] [--json]`: runs a sweep through
 * Temporal (orchestration/launch.ts). Without --address: the embedded server (its database in the
 * run folder) and in-process workers, stopped at the end. A config error, an unreachable address
 * or a missing Temporal CLI is reported before anything starts or is written.
 */
import { defineCommand } from '../command.js';
import { sweepOptions, toSweepOptions, type SweepArgs } from './sweep-options.js';

interface RunArgs extends SweepArgs {
  config: string;
  yes?: boolean;
}

export const runSweepCommand = defineCommand<RunArgs>({
  command: 'run <config>',
  describe: 'run a sweep (embedded Temporal server by default; --address for a cluster)',
  examples: [
    ['$0 run configs/quickstart.yaml', 'embedded server and workers, a progress bar, then the result'],
    ['$0 run configs/quickstart.yaml --address temporal:7233 --detach', 'start it on a cluster and return'],
  ],
  flags: (y) =>
    sweepOptions(
      y
        .positional('config', { type: 'string', describe: 'sweep config (YAML)', demandOption: true })
        .option('yes', { type: 'boolean', describe: 'run grids of more than 100 000 trials' }),
    ),
  run: async (args) => {
    const { runCommand } = await import('../../orchestration/launch.js');
    return runCommand(args.config, toSweepOptions(args));
  },
});
