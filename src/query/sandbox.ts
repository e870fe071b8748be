/**
 * `ntk-sweep query` reads the run folder and nothing else. Two locks, each enough alone for most
 * escapes, together for all we know of:
 * 1. DuckDB's own: after the views exist, file access is limited to the run folder (and the one
 *    export file the command itself writes), external access is switched off (no other file, no
 *    extension install or load, no ATTACH of a file) and the configuration is locked, so no
 *    statement can switch it back on;
 * 2. only queries run: DuckDB's parser must find one SELECT statement (`json_serialize_sql`, which
 *    parses without binding and serializes SELECTs only — binding alone can act: EXPORT creates
 *    its folder while being prepared), and the prepared statement's type must be SELECT. DESCRIBE,
 *    SHOW, SUMMARIZE, VALUES, FROM-first queries and PIVOT … IN are SELECTs to DuckDB; COPY,
 *    ATTACH, INSTALL, LOAD, CREATE, INSERT, EXPORT, SET, PRAGMA, EXPLAIN and the rest are refused
 *    before they are bound (the run folder itself is readable, so DuckDB alone would let COPY
 *    write into it).
 * Anything more is for DuckDB itself, opened on the folder; the refusals say so.
 */
import path from 'node:path';
import { StatementType, quotedString } from '@duckdb/node-api';
import { isSchemaMismatch, type RunDatabase } from './run-views.js';
import { QueryError } from '../errors.js';

/** What a user who needs more does instead, for the end of every refusal. */
export function openDirectlyHint(runDir: string): string {
  const glob = path.join(path.resolve(runDir), 'trials', '*.parquet');
  return `for anything else, open the folder in DuckDB directly, e.g. duckdb -c "SELECT * FROM read_parquet('${glob}')"`;
}

/**
 * Limits `db` to reading: files inside its run folder, plus `allowedPaths` (files the caller will
 * have DuckDB write by its own statements, such as an export). Call after the views are made.
 */
export async function lockDown(db: RunDatabase, allowedPaths: readonly string[] = []): Promise<void> {
  const list = (xs: readonly string[]): string => `[${xs.map(quotedString).join(', ')}]`;
  const dir = path.resolve(db.runDir) + path.sep;
  await db.connection.run(`SET allowed_directories = ${list([dir])}`);
  await db.connection.run(`SET allowed_paths = ${list(allowedPaths.map((p) => path.resolve(p)))}`);
  await db.connection.run('SET enable_external_access = false');
  await db.connection.run('SET allow_community_extensions = false');
  await db.connection.run('SET lock_configuration = true');
}

/** How a refusal names a statement: its first word as written (only for the message). */
function statementWord(sql: string): string {
  const word = /^[\s(]*([A-Za-z_]+)/u.exec(sql.replace(/^\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/)*/u, ''))?.[1];
  return word ? `${/^[AEIOU]/iu.test(word) ? 'an' : 'a'} ${word.toUpperCase()} statement` : 'this statement';
}

/** The refusal of a statement that does not only read. */
export function refusal(runDir: string, what: string): QueryError {
  return new QueryError(
    `ntk-sweep query only reads the run folder: ${what} is refused ` +
      `(allowed: queries — SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, PIVOT … IN — over files inside ${path.resolve(runDir)});\n` +
      openDirectlyHint(runDir),
  );
}

/** True for DuckDB's refusal of a file outside the allowed folder. */
export function isPermissionError(message: string): boolean {
  return /^Permission Error/u.test(message);
}

/**
 * Checks that `sql` is exactly one statement and that it only reads (see the module comment).
 * Throws {@link QueryError}; `explain` turns DuckDB's own errors (syntax, binding, a file outside
 * the folder) into the message the user sees.
 */
export async function checkReadStatement(
  db: RunDatabase,
  sql: string,
  explain: (e: unknown) => QueryError,
): Promise<void> {
  let count: number;
  try {
    count = (await db.connection.extractStatements(sql)).count;
  } catch (e) {
    throw explain(e);
  }
  if (count !== 1) throw new QueryError(`expected one SQL statement, found ${count}`);
  const parsed = await db.connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  const verdict = JSON.parse(String(parsed.getRows()[0][0])) as { error?: boolean };
  if (verdict.error) throw refusal(db.runDir, statementWord(sql));
  let type: StatementType;
  try {
    type = await prepareType(db, async () => {
      const p = await db.connection.prepare(sql);
      const t = p.statementType;
      p.destroySync();
      return t;
    });
  } catch (e) {
    throw explain(e);
  }
  if (type !== StatementType.SELECT) throw refusal(db.runDir, statementWord(sql));
}

/** Binding may meet files of differing columns: remade views and one retry, as the statement's run would. */
async function prepareType(db: RunDatabase, prepare: () => Promise<StatementType>): Promise<StatementType> {
  try {
    return await prepare();
  } catch (e) {
    if (db.unionByName || !isSchemaMismatch(e)) throw e;
    await db.unify();
    return prepare();
  }
}
