/**
 * A DuckDB database over a run folder (docs/design.md §7, src/tables/rows.ts): an in-memory DuckDB with
 * one view per table present in the folder, `SELECT * FROM read_parquet(<that table's files>)`,
 * so that SQL names the tables (`trials`, `curves`, …) as a user of the folder would. Nothing is
 * copied: every query reads the Parquet files. {@link openRun} / {@link RunDatabase.close}.
 *
 * @example
 * const db = await openRun('runs/relu-width');
 * const rows = (await db.connection.runAndReadAll('SELECT width, avg(final_train_loss) FROM trials GROUP BY ALL')).getRowObjectsJS();
 * db.close();
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, quotedIdentifier, quotedString, type DuckDBConnection } from '@duckdb/node-api';
import {
  ANALYTIC_DIR,
  FITS_DIR,
  SUMMARY_DIR,
  TABLE_GLOB,
  currentGeneration,
  snapshotDir,
} from '../tables/run-folder.js';
import { TRIAL_TABLES } from '../tables/rows.js';
import { RunFolderError } from '../errors.js';

/** Every table a run folder may hold, each in a folder of that name (src/tables/run-folder.ts). */
export const RUN_TABLES = [
  'trials',
  ...TRIAL_TABLES.filter((t) => t !== 'trials'),
  ANALYTIC_DIR,
  SUMMARY_DIR,
  FITS_DIR,
] as const;
export type RunTableName = (typeof RUN_TABLES)[number];

/** Characters that DuckDB's file globbing would interpret in a path. */
const GLOB_CHARS = /[*?[\]{}]/;

/**
 * The Parquet files of one table, relative to its folder (hidden and temporary files excluded),
 * sorted. A per-trial table is listed in one generation (src/tables/run-folder.ts `snapshotDir`):
 * the current one unless `generation` is given.
 */
export function tableFiles(runDir: string, table: string, generation = currentGeneration(runDir)): string[] {
  const dir = snapshotDir(runDir, table, generation);
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) return [];
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  // Writers rename `.name.pid.tmp` files into place: a reader never counts a half-written file.
  return entries
    .filter((f) => f.endsWith('.parquet') && !f.split(path.sep).some((part) => part.startsWith('.')))
    .sort();
}

/**
 * The `read_parquet(...)` expression of one table, or undefined when the table has no file.
 * Flat folders (the layout of src/tables/rows.ts) are read with `hive_partitioning = false`: with it
 * on, DuckDB would turn any `key=value` folder in the run folder's own path into a column. A
 * partitioned table (`curves/width=64/x.parquet`) is read with it on. `unionByName` reads files
 * whose columns differ (written by different versions) together, at the price of reading every
 * file's footer when the view is made; {@link withUnifiedSchemas} turns it on only when needed.
 * Paths are passed as SQL string literals, quoted, and listed file by file when the path holds
 * characters that DuckDB would glob.
 */
export function parquetSource(
  runDir: string,
  table: string,
  unionByName = false,
  generation = currentGeneration(runDir),
): string | undefined {
  const files = tableFiles(runDir, table, generation);
  if (files.length === 0) return undefined;
  // The generation's own folder, not RUN/<table>: a compaction that swaps generations while a
  // query runs does not change the files this view reads.
  const dir = path.resolve(snapshotDir(runDir, table, generation));
  const partitioned = files.some((f) => f.includes(path.sep));
  const where = GLOB_CHARS.test(dir)
    ? `[${files.map((f) => quotedString(path.join(dir, f))).join(', ')}]`
    : quotedString(path.join(dir, partitioned ? `**/${TABLE_GLOB}` : TABLE_GLOB));
  return `read_parquet(${where}, hive_partitioning = ${partitioned}, union_by_name = ${unionByName})`;
}

/**
 * The run tables a SQL text names (as whole words, any case), or all of them when it names none
 * (`SHOW TABLES`, `duckdb_views()`): views for the others need not be made. A word inside a string
 * or comment counts too, which only costs a view.
 */
export function tablesNamedIn(sql: string): RunTableName[] {
  const named = RUN_TABLES.filter((t) => new RegExp(`\\b${t}\\b`, 'iu').test(sql));
  return named.length ? named : [...RUN_TABLES];
}

/** The tables of {@link RUN_TABLES} that have at least one Parquet file in `runDir`. */
export function presentTables(runDir: string): RunTableName[] {
  return RUN_TABLES.filter((t) => tableFiles(runDir, t).length > 0);
}

/**
 * Creates (or replaces) a view per present table on `connection`, drops those of absent ones;
 * returns the tables that have one. `only` limits the views to some tables: with thousands of
 * files every table costs, and more so with `unionByName` (every footer is read to make the view).
 */
export async function createRunViews(
  connection: DuckDBConnection,
  runDir: string,
  only: readonly RunTableName[] = RUN_TABLES,
  unionByName = false,
): Promise<RunTableName[]> {
  const made: RunTableName[] = [];
  // One generation for every view: the tables agree with each other.
  const generation = currentGeneration(runDir);
  for (const table of RUN_TABLES.filter((t) => only.includes(t))) {
    const source = parquetSource(runDir, table, unionByName, generation);
    if (!source) {
      await connection.run(`DROP VIEW IF EXISTS ${quotedIdentifier(table)}`);
      continue;
    }
    await connection.run(`CREATE OR REPLACE VIEW ${quotedIdentifier(table)} AS SELECT * FROM ${source}`);
    made.push(table);
  }
  return made;
}

/** An open in-memory DuckDB with the run folder's views. Close it when done (it holds native memory). */
export interface RunDatabase {
  readonly runDir: string;
  readonly connection: DuckDBConnection;
  /** The tables that have a view, in {@link RUN_TABLES} order. */
  readonly tables: readonly RunTableName[];
  /** Whether the views read files with differing columns together (see {@link withUnifiedSchemas}). */
  readonly unionByName: boolean;
  /** Remakes the views with `union_by_name`, for a folder whose files' columns differ. */
  unify(): Promise<void>;
  close(): void;
}

/**
 * DuckDB's errors when a table's files have different columns: a later file lacks a column of the
 * first (`schema mismatch in glob`), or a column exists only in files after the first (the view,
 * made from the first file's schema, does not have it).
 */
export function isSchemaMismatch(e: unknown): boolean {
  return e instanceof Error && /schema mismatch in glob|Referenced column .* not found/u.test(e.message);
}

/**
 * Runs `work` on `db`; when a table's files turn out to have different columns (a folder written
 * by two versions), remakes the views with `union_by_name` (missing columns read as NULL) and runs
 * it once more. The common case, files of one schema, thus never pays for reading every footer
 * up front. `work` must be safe to run again (queries, CREATE OR REPLACE).
 */
export async function withUnifiedSchemas<T>(db: RunDatabase, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (db.unionByName || !isSchemaMismatch(e)) throw e;
    await db.unify();
    return work();
  }
}

/** Checks that `runDir` is a folder; throws {@link RunFolderError} otherwise. */
export function checkRunFolder(runDir: string): void {
  let isDir = false;
  try {
    isDir = statSync(runDir).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RunFolderError(`${runDir}: ${code === 'ENOENT' ? 'no such run folder' : `cannot read it (${code})`}`);
  }
  if (!isDir) throw new RunFolderError(`${runDir}: not a folder (expected a run folder with trials/, curves/, …)`);
}

/**
 * Opens an in-memory DuckDB with a view per table present in `runDir` (or per table of
 * `options.only` present there), made from each table's first file's columns unless
 * `options.unionByName` (see {@link parquetSource}, {@link withUnifiedSchemas}). Extensions are
 * never downloaded (Parquet and JSON are built into the binding), so this works offline. Throws {@link RunFolderError} when `runDir` is not a
 * folder or its Parquet files cannot be read.
 */
export async function openRun(
  runDir: string,
  options: { only?: readonly RunTableName[]; unionByName?: boolean } = {},
): Promise<RunDatabase> {
  checkRunFolder(runDir);
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const connection = await instance.connect();
  // Every scan reads the footer of every file; with thousands of small files that is most of the
  // cost of a scan, so footers are parsed once per database and reused by later statements.
  await connection.run('SET parquet_metadata_cache = true');
  let tables: RunTableName[];
  try {
    tables = await createRunViews(connection, runDir, options.only, options.unionByName);
  } catch (e) {
    connection.closeSync();
    instance.closeSync();
    throw new RunFolderError(`${runDir}: cannot read its Parquet files: ${(e as Error).message}`);
  }
  let unionByName = options.unionByName ?? false;
  return {
    runDir,
    connection,
    tables,
    get unionByName() {
      return unionByName;
    },
    async unify() {
      await createRunViews(connection, runDir, options.only, true);
      unionByName = true;
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
