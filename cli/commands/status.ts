/**
 * `ntk-sweep status [RUN_DIR|SWEEP_ID] [--address HOST:PORT] [--json] [--deep]`: one line (or JSON)
 * per sweep — its progress while it runs, its result when it ended, or, for a run folder whose
 * embedded server is down, what its tables hold. `--deep` reports from the tables with every
 * file read in full: a content checksum that does not match makes its trial one to run again.
 */
import { defineCommand } from '../command.js';
import { withJsonAlias } from '../flag-conventions.js';
import { serverOptions, toControlOptions, withTarget, type ServerArgs } from './sweep-options.js';

interface StatusArgs extends ServerArgs {
  target?: string;
  format: 'text' | 'json';
  json?: boolean;
  deep?: boolean;
}

export const statusSweepCommand = defineCommand<StatusArgs>({
  command: 'status [target]',
  describe: 'show a sweep’s progress (RUN_DIR or SWEEP_ID; without one, every sweep)',
  examples: [
    ['$0 status runs/quickstart', 'progress or result of the sweep in this run folder'],
    ['$0 status --json', 'every sweep of the embedded servers, as JSON'],
  ],
  flags: (y) =>
    serverOptions(
      withTarget(withJsonAlias(y), false)
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'output format' })
        .option('deep', {
          type: 'boolean',
          describe: 'check the tables byte by byte (content checksums) instead of asking the server',
        }),
    ),
  run: async (args) => {
    const { statusCommand } = await import('../../orchestration/control.js');
    return statusCommand(args.target, toControlOptions(args));
  },
});
