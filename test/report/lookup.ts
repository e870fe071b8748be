/**
 * The tests' own view of a run folder, independent of the code under test: a DuckDB with one view
 * per table made straight from `read_parquet(<folder>/*.parquet)`, and the lookup that a `<data>`
 * element of the report names (`SELECT <col> FROM <src> WHERE <key…>`).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  DuckDBInstance,
  quotedIdentifier,
  quotedString,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api';

export interface TestDb {
  c: DuckDBConnection;
  runDir: string;
  rows(sql: string, params?: DuckDBValue[]): Promise<Record<string, unknown>[]>;
  close(): void;
}

const TABLES = ['trials', 'curves', 'kernels', 'predictions', 'spectra', 'modes', 'analytic', 'summary', 'fits'];

export async function openTestDb(runDir: string): Promise<TestDb> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  for (const t of TABLES) {
    const dir = path.join(runDir, t);
    if (!existsSync(dir) || !readdirSync(dir).some((f) => f.endsWith('.parquet') && !f.startsWith('.'))) continue;
    await c.run(
      `CREATE VIEW ${t} AS SELECT * FROM read_parquet(${quotedString(path.join(dir, '*.parquet'))}, union_by_name = true)`,
    );
  }
  const rows = async (sql: string, params?: DuckDBValue[]) =>
    (await c.runAndReadAll(sql, params))
      .getRowObjectsJS()
      .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  return {
    c,
    runDir,
    rows,
    close() {
      c.closeSync();
      instance.closeSync();
    },
  };
}

/** The values a `<data>` element's provenance selects (every row the key matches). */
export async function lookup(
  db: TestDb,
  src: string,
  key: Record<string, string | number | null>,
  col: string,
): Promise<unknown[]> {
  if (src === 'manifest.json' || src === 'config.yaml') {
    const file = quotedString(path.join(db.runDir, src));
    const sql =
      src === 'manifest.json'
        ? `SELECT json_extract_string(content, ${quotedString(col)}) AS v FROM read_text(${file})`
        : `SELECT content AS v FROM read_text(${file})`;
    return (await db.rows(sql)).map((r) => r.v);
  }
  if (!TABLES.includes(src)) throw new Error(`unknown source ${src}`);
  const params: DuckDBValue[] = [];
  const conds = Object.entries(key).map(([k, v]) => {
    if (v === null) return `${quotedIdentifier(k)} IS NULL`;
    params.push(v);
    return `${quotedIdentifier(k)} = $${params.length}`;
  });
  const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
  const isAggregate = /\(/.test(col);
  const sql = `SELECT ${isAggregate ? col : quotedIdentifier(col)} AS v FROM ${src} ${where}`;
  return (await db.rows(sql, params)).map((r) => r.v);
}
