/**
 * The end of a sweep with failed trials: each one's reason, as its `trials` row records it, and
 * the exit code — bad input (a data file or config that a trial could not use; retrying cannot
 * fix it) is exit 2, as when `validate` or `run` refuse it up front.
 */
import { EXIT_BAD_INPUT } from '../src/exit-codes.js';
import { isBadInputType } from '../src/failure-kinds.js';
import { failedTrials } from '../src/tables/read.js';

/** At most this many failed trials are listed. */
const MAX_LISTED = 10;

/** The type of a failed trial's `error`, which the workflow writes as `<type>: <message>`. */
const typeOf = (error: string): string => error.split(': ', 1)[0];

/** Writes why each failed trial of `runDir` failed; returns 2 when any failed for bad input, else 0. */
export function reportFailedTrials(runDir: string, write: (line: string) => void): number {
  const failed = failedTrials(runDir);
  for (const f of failed.slice(0, MAX_LISTED)) {
    write(`trial ${f.trialId} failed: ${f.error.split('\n').join('\n  ')}`);
  }
  if (failed.length > MAX_LISTED)
    write(
      `… and ${failed.length - MAX_LISTED} more failed trials (ntk-sweep query ${runDir} "SELECT trial_id, error FROM trials WHERE status = 'failed'")`,
    );
  return failed.some((f) => isBadInputType(typeOf(f.error))) ? EXIT_BAD_INPUT : 0;
}
