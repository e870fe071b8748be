/**
 * The `ntk-sweep` command line (yargs). Each command lives in cli/commands/ and is a thin
 * wrapper around one core function; this module parses, dispatches and maps failures to exit
 * codes (src/exit-codes.ts). A command's modules declare its flags and load the libraries
 * its work needs (DuckDB, Arrow, TensorFlow.js, the Temporal SDK) only when it runs, so that
 * `--help` and a light command start at once.
 */
import yargs from 'yargs';
import { EXIT_OK } from '../src/exit-codes.js';
import { kernelCommand } from './commands/kernel.js';
import { reportCommand } from './commands/report.js';
import { validateCommand } from './commands/validate.js';
import { queryCommand } from './commands/query.js';
import { aggregateCommand } from './commands/aggregate.js';
import { trialCommand } from './commands/trial.js';
import { runSweepCommand } from './commands/run.js';
import { resumeSweepCommand } from './commands/resume.js';
import { statusSweepCommand } from './commands/status.js';
import { cancelSweepCommand, pauseSweepCommand } from './commands/cancel.js';
import { workerCommand } from './commands/worker.js';
import { NTK_SWEEP_VERSION } from '../src/tables/versions.js';
import type { CommandOutcome } from './command-outcome.js';
import { flagConventions } from './flag-conventions.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const parser = yargs(argv)
    .scriptName('ntk-sweep')
    .usage('$0 <command> [options]')
    .command(kernelCommand)
    .command(reportCommand)
    .command(validateCommand)
    .command(queryCommand)
    .command(aggregateCommand)
    .command(trialCommand)
    .command(runSweepCommand)
    .command(resumeSweepCommand)
    .command(statusSweepCommand)
    .command(cancelSweepCommand)
    .command(pauseSweepCommand)
    .command(workerCommand)
    .example('$0 validate configs/quickstart.yaml', 'check a sweep config and see its trials')
    .example('$0 run configs/quickstart.yaml', 'run it (embedded Temporal server)')
    .example('$0 <command> --help', 'a command’s options and examples')
    .demandCommand(1, 'name a command (ntk-sweep --help lists them)')
    .recommendCommands()
    .strict()
    .middleware(flagConventions(argv), true)
    .help()
    .alias('h', 'help')
    .version(NTK_SWEEP_VERSION)
    .alias('V', 'version')
    .exitProcess(false)
    .fail((msg, err) => {
      // Parsing problems (unknown flags, missing arguments) arrive as msg, handler failures as err.
      // Throwing is what stops yargs: a fail handler that returns lets the command run regardless.
      if (err) throw err;
      // recommendCommands() says only "Did you mean X?"; name what was not understood first.
      throw new UsageError(
        `ntk-sweep: ${msg.startsWith('Did you mean') ? `unknown command '${argv[0]}'. ${msg}` : msg}`,
      );
    });
  const outcome: CommandOutcome = {};
  try {
    await parser.parseAsync(argv, { outcome });
  } catch (e) {
    return reportError(e);
  }
  return outcome.exitCode ?? EXIT_OK;
}
