/**
 * Errors as Temporal failures (CONVENTIONS 6), by the error's name as the SDK does
 * (`ApplicationFailure.fromError`), with its kind from src/failure-kinds.ts: bad input that retrying
 * cannot fix, or a full disk, is non-retryable; anything else is retried per the sweep's policy.
 * Every failure carries the attempt it ended, so the workflow can record how many were made.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { DISK_FULL_FAILURE, NON_RETRYABLE_TYPES } from '../src/failure-kinds.js';
import { isDiskFull } from '../src/io/disk-full.js';

const nonRetryable = new Set<string>(NON_RETRYABLE_TYPES);

/** The failure an activity throws for `e` on attempt `attempt`. Cancellation passes through unchanged. */
export function toFailure(e: unknown, attempt: number): unknown {
  if (e instanceof CancelledFailure || e instanceof ApplicationFailure) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  // A full disk met below the layers that name it (e.g. creating a folder) still says so first.
  const unnamedFullDisk = err.name !== DISK_FULL_FAILURE && isDiskFull(err);
  // The name, not the constructor's (the SDK's default): an error from an executor thread is rebuilt as an Error with its name.
  const type = unnamedFullDisk ? DISK_FULL_FAILURE : err.name;
  return ApplicationFailure.fromError(err, {
    message: unnamedFullDisk ? `the disk is full: ${err.message}` : err.message,
    type,
    nonRetryable: nonRetryable.has(type),
    details: [{ attempt }],
    cause: err,
  });
}
