/**
 * Core errors as Temporal failures (CONVENTIONS 6): a config or data set that cannot be used, or a
 * full disk, is non-retryable (retrying cannot fix it); anything else is retried per the sweep's
 * policy. Every failure carries the attempt it ended, so the workflow can record how many were made.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { ConfigError, DatasetError, DiskFullError, RunFolderError } from '../src/errors.js';
import { isDiskFull } from '../src/io/disk-full.js';
import { DISK_FULL_FAILURE, NON_RETRYABLE_TYPES } from '../workflows/shared.js';

const nonRetryable = new Set<string>(NON_RETRYABLE_TYPES);

/** The failure an activity throws for `e` on attempt `attempt`. Cancellation passes through unchanged. */
export function toFailure(e: unknown, attempt: number): unknown {
  if (e instanceof CancelledFailure || e instanceof ApplicationFailure) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  const full = isDiskFull(err);
  const type = full
    ? DISK_FULL_FAILURE
    : e instanceof ConfigError ? 'ConfigError' : e instanceof DatasetError ? 'DatasetError' : e instanceof RunFolderError ? 'RunFolderError' : err.name;
  return ApplicationFailure.create({
    // A full disk met below the layers that name it (e.g. creating a folder) still says so first.
    message: full && !(err instanceof DiskFullError) ? `the disk is full: ${err.message}` : err.message,
    type,
    nonRetryable: nonRetryable.has(type),
    details: [{ attempt }],
    cause: err,
  });
}
