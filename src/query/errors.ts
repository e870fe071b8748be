/** Failures of SQL over a run folder (a folder that is not one: RunFolderError, src/errors.ts), printed to the user without a stack trace (cli/report-error.ts). */

/** A query DuckDB refused or could not run; the message is DuckDB's, with a hint when a table is absent. */
export class QueryError extends Error {
  override readonly name = 'QueryError';
}
