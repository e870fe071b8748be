/**
 * Running a user's SQL on a {@link RunDatabase}: one statement that only reads (./sandbox.ts), its
 * rows read in full, and DuckDB's own message when it fails — with a hint when the statement names
 * a table the run folder lacks.
 */
import { DuckDBTypeId, type DuckDBResultReader } from '@duckdb/node-api';
import { RUN_TABLES, presentTables, withUnifiedSchemas, type RunDatabase } from './run-views.js';
import { checkReadStatement, isPermissionError, openDirectlyHint } from './sandbox.js';
import { QueryError } from '../errors.js';

/** The rows of a query, as DuckDB values (`String(v)` renders each as DuckDB does). */
export interface QueryResult {
  columns: string[];
  /** DuckDB type names (`INTEGER`, `DOUBLE`, `FLOAT[]`, …). */
  types: string[];
  /** Whether each column is numeric (right-aligned in a table). */
  numeric: boolean[];
  rows: unknown[][];
}

const NUMERIC = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
]);

/** The statement without trailing semicolons and blanks, so that it can be nested in `COPY (…)`. */
export function trimStatement(sql: string): string {
  return sql.replace(/[\s;]+$/u, '');
}

/**
 * DuckDB's message for a failed statement, plus what the run folder holds when the statement names
 * one of its tables that is absent (DuckDB alone would suggest an unrelated catalog table).
 */
export function explainQueryError(e: unknown, db: RunDatabase): QueryError {
  // The client prefixes parse errors with its own words; DuckDB's message is what the user needs.
  const message = (e instanceof Error ? e.message : String(e)).replace(/^Failed to extract statements: /u, '');
  const missing = /Table with name (\S+) does not exist/u.exec(message)?.[1];
  const known = (RUN_TABLES as readonly string[]).includes(missing ?? '');
  if (isPermissionError(message)) {
    return new QueryError(
      `ntk-sweep query reads only files inside the run folder ${db.runDir}\n(DuckDB: ${message.split('\n')[0]});\n` +
        openDirectlyHint(db.runDir),
    );
  }
  if (missing && known) {
    const tables = presentTables(db.runDir);
    const present = tables.length ? `it has ${tables.join(', ')}` : 'it has no tables yet';
    return new QueryError(
      `table '${missing}' is not in ${db.runDir} (no Parquet files under ${missing}/); ${present}\n` +
        `(DuckDB: ${message.split('\n')[0]})`,
    );
  }
  return new QueryError(message);
}

/** Checks that `sql` is exactly one statement that only reads (./sandbox.ts); throws {@link QueryError}. */
export async function checkOneStatement(db: RunDatabase, sql: string): Promise<void> {
  await checkReadStatement(db, sql, (e) => explainQueryError(e, db));
}

function toResult(reader: DuckDBResultReader): QueryResult {
  const types = reader.columnTypes();
  return {
    columns: reader.columnNames(),
    types: types.map((t) => t.toString()),
    numeric: types.map((t) => NUMERIC.has(t.typeId)),
    rows: reader.getRows(),
  };
}

/** Runs one statement and reads all its rows. Throws {@link QueryError} with DuckDB's message. */
export async function runSql(db: RunDatabase, sql: string): Promise<QueryResult> {
  await checkOneStatement(db, sql);
  try {
    return toResult(await withUnifiedSchemas(db, () => db.connection.runAndReadAll(sql)));
  } catch (e) {
    throw explainQueryError(e, db);
  }
}
