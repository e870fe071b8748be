/**
 * Exit codes of `ntk-sweep` (documented in the README):
 * 0 success; 1 an unexpected failure (printed with its stack), or a sweep that failed as a whole; 2 bad input — a config, data set,
 * flag, backend or output location that cannot be used — printed one line per problem, nothing written;
 * 4 the disk is full (the message names it; free space, then `ntk-sweep resume` goes on).
 * 69 (EX_UNAVAILABLE of sysexits.h) `run`/`resume` lost the Temporal server and it did not come back:
 * the sweep is intact, and the message says how to continue it.
 * 130 (128 + SIGINT) interrupted: Ctrl-C stopped `run`/`resume`; the sweep is kept for `resume`.
 * A training run that diverges is a result, not a failure: the command warns and exits 0.
 */
import { failureKind, type FailureKind } from './failure-kinds.js';

export const EXIT_OK = 0;
export const EXIT_UNEXPECTED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_DISK_FULL = 4;
export const EXIT_SERVER_LOST = 69;
export const EXIT_SWEEP_FAILED = EXIT_UNEXPECTED;
export const EXIT_INTERRUPTED = 130;

const EXIT_OF_KIND: Record<FailureKind, number> = {
  'bad-input': EXIT_BAD_INPUT,
  'bad-input-here': EXIT_BAD_INPUT,
  'disk-full': EXIT_DISK_FULL,
};

/** The exit code of a failure named `name` (an error's name, an ApplicationFailure's type): its kind's, else unexpected. */
export function exitCodeOf(name: string | null | undefined): number {
  const kind = failureKind(name);
  return kind ? EXIT_OF_KIND[kind] : EXIT_UNEXPECTED;
}
