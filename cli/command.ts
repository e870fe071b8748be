/**
 * One shape for every command of cli/commands/: its usage, description, examples, flags and the
 * work it runs. The work returns nothing (success) or an exit code (a sweep's outcome,
 * src/exit-codes.ts), which cli/main.ts returns once yargs is done; it throws the typed errors
 * cli/report-error.ts reports.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { OutcomeArgs } from './command-outcome.js';

export interface CommandSpec<A> {
  /** The usage, yargs style: `run <config>`, `status [target]`. */
  command: string;
  describe: string;
  /** [command line, what it does], shown by --help. */
  examples: readonly (readonly [string, string])[];
  /** Declares the positionals and flags; their names and types are those of `A`. */
  flags: (y: Argv) => Argv<unknown>;
  run: (args: ArgumentsCamelCase<A>) => Promise<number | void>;
}

export function defineCommand<A>(spec: CommandSpec<A>): CommandModule<object, A> {
  return {
    command: spec.command,
    describe: spec.describe,
    // yargs types every option a builder adds; `A` names the same flags once, so the builder's type is set to it.
    builder: (y: Argv) =>
      spec.flags(spec.examples.reduce((acc, [line, what]) => acc.example(line, what), y)) as unknown as Argv<A>,
    handler: async (args: ArgumentsCamelCase<A>) => {
      const code = await spec.run(args);
      // cli/main.ts hands every parse its own outcome (yargs context, merged into the arguments).
      if (code !== undefined) (args as unknown as OutcomeArgs).outcome.exitCode = code;
    },
  };
}

/** A line on stderr: notes and warnings, kept apart from a command's output. */
export const note = (line: string): void => void process.stderr.write(`${line}\n`);

/** Writes `text` to stdout and waits until it is handed to the OS, so that a piped reader gets all of it before exit. */
export function printOut(text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}
