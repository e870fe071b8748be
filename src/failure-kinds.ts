/**
 * How each typed failure of ntk-sweep is treated, declared once, by the error's `name`: a failure
 * crosses processes as its name alone (an executor thread's message, Temporal's
 * `ApplicationFailure.type`, the `error` column of a failed trial), so its kind must be found from
 * the name. Each error class names itself `'XError' satisfies FailureName`, so a name missing here
 * does not compile. From this table come the exit codes (src/exit-codes.ts) and the Temporal
 * failures (activities/failures.ts, and the workflow's retry policies).
 *
 * No imports and no I/O: the workflow bundle may import this file (workflows/sweep.ts), and it
 * imports nothing else from src/.
 */

export type FailureKind =
  /** The user's input cannot be used (config, data set, flags, run folder, query): exit 2; retrying cannot fix it. */
  | 'bad-input'
  /**
   * This machine cannot do what was asked (a backend it lacks, a folder it cannot write): exit 2 for
   * a command; a sweep retries it, maybe on another worker.
   */
  | 'bad-input-here'
  /** The disk is full: exit 4; retrying cannot help until space is freed, so a sweep stops. */
  | 'disk-full';

/** Every typed failure with a kind; any other error is unexpected (printed with its stack, exit 1) and retried. */
export const FAILURE_KINDS = {
  ConfigError: 'bad-input',
  DatasetError: 'bad-input',
  OverrideError: 'bad-input',
  RunFolderError: 'bad-input',
  QueryError: 'bad-input',
  UsageError: 'bad-input',
  TemporalSetupError: 'bad-input',
  BackendError: 'bad-input-here',
  OutputError: 'bad-input-here',
  DiskFullError: 'disk-full',
} as const satisfies Record<string, FailureKind>;

export type FailureName = keyof typeof FAILURE_KINDS;

const NAMES = Object.keys(FAILURE_KINDS) as FailureName[];

/** The kind of the failure named `name` (an error's `name`, an ApplicationFailure's `type`); undefined: unexpected. */
export function failureKind(name: string | null | undefined): FailureKind | undefined {
  return name != null && Object.hasOwn(FAILURE_KINDS, name) ? FAILURE_KINDS[name as FailureName] : undefined;
}

/** True for a failure of the user's input (a command or sweep that meets one exits 2), by its name. */
export function isBadInputType(name: string | null | undefined): boolean {
  const kind = failureKind(name);
  return kind === 'bad-input' || kind === 'bad-input-here';
}

/** Failures that retrying cannot fix (Temporal's `nonRetryableErrorTypes`). Diverged training is a result, not a failure. */
export const NON_RETRYABLE_TYPES: readonly FailureName[] = NAMES.filter((n) => FAILURE_KINDS[n] !== 'bad-input-here');

/** A full disk: the sweep stops at once, and `resume` goes on once space is freed. */
export const DISK_FULL_FAILURE = 'DiskFullError' satisfies FailureName;

/** A config that cannot be used (also what the workflow fails with when a run folder's config changed under it). */
export const CONFIG_FAILURE = 'ConfigError' satisfies FailureName;
