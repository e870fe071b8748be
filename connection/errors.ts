import type { FailureName } from '../src/failure-kinds.js';

/**
 * Failures of the orchestration layer that a user fixes (no Temporal CLI, a server that cannot be
 * reached, a run folder that cannot be resumed): printed as their message, exit code 2, nothing started.
 */
export class TemporalSetupError extends Error {
  override readonly name = 'TemporalSetupError' satisfies FailureName;
}
