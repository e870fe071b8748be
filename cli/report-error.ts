/**
 * How the CLI reports a failure: errors the user can fix as one line per problem on stderr
 * (no stack trace), anything else with its stack.
 */
import { OverrideError } from '../src/config/override-error.js';
import { ConfigError, DiskFullError, formatProblem, isUserError, RunFolderError } from '../src/errors.js';
import { OutputError } from '../src/io/atomic-write.js';
import { QueryError } from '../src/query/errors.js';
import { EXIT_BAD_INPUT, EXIT_DISK_FULL, EXIT_UNEXPECTED } from '../src/exit-codes.js';
import { UsageError } from './usage-error.js';
import { TemporalSetupError } from '../connection/errors.js';

/** True for failures caused by the input (config, data, flags, backend, output location). */
export function isBadInput(e: unknown): e is Error {
  return isUserError(e) || e instanceof OverrideError || e instanceof OutputError || e instanceof UsageError ||
    e instanceof QueryError || e instanceof RunFolderError || e instanceof TemporalSetupError;
}

/** Writes the failure to stderr and returns the exit code. */
export function reportError(e: unknown, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): number {
  if (e instanceof ConfigError) {
    for (const p of e.problems) write(formatProblem(p));
    return EXIT_BAD_INPUT;
  }
  if (e instanceof DiskFullError) {
    write(e.message);
    return EXIT_DISK_FULL;
  }
  if (isBadInput(e)) {
    for (const line of e.message.split('\n')) write(line);
    return EXIT_BAD_INPUT;
  }
  write(e instanceof Error ? (e.stack ?? String(e)) : String(e));
  return EXIT_UNEXPECTED;
}
