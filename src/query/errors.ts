/** Failures of SQL over a run folder, printed to the user without a stack trace (src/cli/report-error.ts). */
import type { FailureName } from '../failure-kinds.js';

/** A query DuckDB refused or could not run; the message is DuckDB's, with a hint when a table is absent. */
export class QueryError extends Error {
  override readonly name = 'QueryError' satisfies FailureName;
}

/** A path that is not a readable run folder (missing, not a folder, or without the tables an operation needs). */
export class RunFolderError extends Error {
  override readonly name = 'RunFolderError' satisfies FailureName;
}
