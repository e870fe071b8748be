/**
 * How the CLI reports a failure: errors the user can fix as one line per problem on stderr
 * (no stack trace), anything else with its stack; the exit code is the failure's kind's
 * (src/failure-kinds.ts, src/exit-codes.ts).
 */
import { ConfigError, formatProblem } from '../src/errors.js';
import { failureKind } from '../src/failure-kinds.js';
import { exitCodeOf } from '../src/exit-codes.js';

/** Writes the failure to stderr and returns the exit code. */
export function reportError(e: unknown, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): number {
  if (e instanceof ConfigError) {
    for (const p of e.problems) write(formatProblem(p));
  } else if (e instanceof Error && failureKind(e.name)) {
    for (const line of e.message.split('\n')) write(line);
  } else {
    write(e instanceof Error ? (e.stack ?? String(e)) : String(e));
  }
  return exitCodeOf(e instanceof Error ? e.name : undefined);
}
