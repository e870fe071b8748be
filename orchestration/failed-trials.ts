/**
 * The end of a sweep with failed trials: each one's reason, as its `trials` row records it, and
 * the exit code — bad input (a data file or config that a trial could not use; retrying cannot
 * fix it) is exit 2, as when `validate` or `run` refuse it up front.
 */
import { EXIT_BAD_INPUT } from '../src/exit-codes.js';
import { failedTrials } from '../src/tables/read.js';
import { BAD_INPUT_TYPES } from '../workflows/shared.js';

/** At most this many failed trials are listed. */
const MAX_LISTED = 10;

/** The `error` of a failed trial, as the workflow writes it: `<type>: <message>`. */
const isBadInput = (error: string): boolean => BAD_INPUT_TYPES.some((t) => error.startsWith(`${t}: `));

/** Writes why each failed trial of `runDir` failed; returns 2 when any failed for bad input, else 0. */
export function reportFailedTrials(runDir: string, write: (line: string) => void): number {
  const failed = failedTrials(runDir);
  for (const f of failed.slice(0, MAX_LISTED)) {
    write(`trial ${f.trialId} failed: ${f.error.split('\n').join('\n  ')}`);
  }
  if (failed.length > MAX_LISTED) write(`… and ${failed.length - MAX_LISTED} more failed trials (ntk-sweep query ${runDir} "SELECT trial_id, error FROM trials WHERE status = 'failed'")`);
  return failed.some((f) => isBadInput(f.error)) ? EXIT_BAD_INPUT : 0;
}
