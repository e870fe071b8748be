/**
 * The `ntk-sweep` command line (yargs). Each command lives in src/cli/commands/ and is a thin
 * wrapper around one core function; this module parses, dispatches and maps failures to exit
 * codes (src/cli/exit-codes.ts).
 */
import yargs from 'yargs';
import { EXIT_OK } from './exit-codes.js';
import { kernelCommand } from './commands/kernel.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const parser = yargs(argv)
    .scriptName('ntk-sweep')
    .usage('$0 <command> [options]')
    .command(kernelCommand)
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
    return reportError(e);
  }
  return EXIT_OK;
}
