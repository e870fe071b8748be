/**
 * A query's rows written by DuckDB's own writers (`COPY (…) TO`): CSV with a header, one JSON
 * array of objects, or zstd Parquet. The file appears complete or not at all: DuckDB writes a
 * temporary name in the same folder, which is renamed into place.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { quotedString } from '@duckdb/node-api';
import { checkWritable } from '../io/atomic-write.js';
import { checkOneStatement, explainQueryError, trimStatement } from './run-sql.js';
import { withUnifiedSchemas, type RunDatabase } from './run-views.js';
import { OutputError } from '../errors.js';

export const EXPORT_FORMATS = ['csv', 'json', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const COPY_OPTIONS: Record<ExportFormat, string> = {
  csv: 'FORMAT csv, HEADER true',
  json: 'FORMAT json, ARRAY true',
  parquet: 'FORMAT parquet, COMPRESSION zstd',
};

/** The temporary name DuckDB writes an export of `file` under (a sandboxed database must allow it: ./sandbox.ts). */
export function exportTempFile(file: string): string {
  const target = path.resolve(file);
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

/**
 * Writes the rows of one statement to `file` in `format`, through `tmp` (renamed into place).
 * Throws a QueryError (src/errors.ts) (bad SQL, or a statement that is not a query: ./sandbox.ts) or
 * OutputError (unwritable `file`).
 */
export async function copyQuery(
  db: RunDatabase,
  sql: string,
  format: ExportFormat,
  file: string,
  tmp = exportTempFile(file),
): Promise<void> {
  await checkOneStatement(db, sql);
  checkWritable(file);
  const target = path.resolve(file);
  // The statement goes on lines of its own so that a trailing `-- comment` cannot swallow the parenthesis;
  // `SELECT * FROM (…)` admits DESCRIBE, SHOW, SUMMARIZE and PIVOT besides plain queries.
  const copy = `COPY (SELECT * FROM (\n${trimStatement(sql)}\n)) TO ${quotedString(tmp)} (${COPY_OPTIONS[format]})`;
  try {
    await withUnifiedSchemas(db, () => db.connection.run(copy));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw explainQueryError(e, db);
  }
  try {
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new OutputError(`cannot write ${file}: ${(e as Error).message}`);
  }
}
