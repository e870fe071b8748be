/**
 * The `ntk-sweep` command line (yargs). Each command lives in src/cli/commands/ and is a thin
 * wrapper around one core function; this module parses, dispatches and maps failures to exit
 * codes (src/cli/exit-codes.ts).
 */
import yargs from 'yargs';
import { EXIT_OK } from './exit-codes.js';
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
import { takeCommandExitCode } from '../../orchestration/exit-code.js';
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
    .demandCommand(1, 'name a command (ntk-sweep --help lists them)')
    .strict()
    .help()
    .exitProcess(false)
    .fail((msg, err) => {
      // Parsing problems (unknown flags, missing arguments) arrive as msg, handler failures as err.
      // Throwing is what stops yargs: a fail handler that returns lets the command run regardless.
      throw err ?? new UsageError(`ntk-sweep: ${msg}`);
    });
  try {
    await parser.parseAsync();
  } catch (e) {
    takeCommandExitCode();
    return reportError(e);
  }
  return takeCommandExitCode() || EXIT_OK;
}
