import type { FailureName } from '../src/failure-kinds.js';

/** A command line that cannot be run as given (a missing or conflicting flag); printed without a stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError' satisfies FailureName;
}
