/**
 * The expected-values file that test/interop/tables_readers.py compares the Python readers
 * against: per table, its declared columns (src/tables/schemas.ts), the key columns that order its
 * rows, and the rows as JSON (typed arrays as arrays, dates as epoch ms, NaN/±Infinity as strings).
 */
import { writeFileSync } from 'node:fs';
import { PARAMETER_COLUMNS } from '../../src/config/parameters.js';
import {
  TABLE_COLUMNS,
  TABLE_NAMES,
  type Column,
  type RowsOf,
  type StoredRowsOf,
  type TableName,
  type TrialTables,
} from '../../src/tables/index.js';

/** The columns that order each table's rows (unique per row). */
export const TABLE_KEYS: { [T in TableName]: (keyof RowsOf[T] & string)[] } = {
  trials: ['trial_id'],
  curves: ['trial_id', 'step'],
  kernels: ['trial_id', 'step', 'split', 'row'],
  predictions: ['trial_id', 'step', 'point', 'output'],
  spectra: ['trial_id', 'step', 'kind', 'rank'],
  modes: ['trial_id', 'step', 'rank'],
  analytic: ['analytic_id', 'kind', 'split', 'row'],
};

/** A cell as JSON: typed arrays as arrays, dates as epoch ms, non-finite floats as strings. */
function jsonCell(v: unknown): unknown {
  if (v instanceof Float32Array || v instanceof Float64Array) return Array.from(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

export type RowsByTable = { [T in TableName]: StoredRowsOf[T][] };

/** The rows of a sibling table of one trial as its file holds them: with the trial's parameter columns. */
export function storedRows<T extends 'curves' | 'kernels' | 'predictions' | 'spectra' | 'modes'>(
  tables: TrialTables,
  table: T,
): StoredRowsOf[T][] {
  const params = Object.fromEntries(PARAMETER_COLUMNS.map((c) => [c, tables.trials[c]]));
  return (tables[table] as RowsOf[T][]).map((r) => ({ ...r, ...params }) as unknown as StoredRowsOf[T]);
}

export function writeExpected(file: string, rows: RowsByTable): void {
  const tables: Record<string, unknown> = {};
  for (const table of TABLE_NAMES) {
    const columns = Object.entries(TABLE_COLUMNS[table] as Record<string, Column>).map(([name, c]) => ({
      name,
      kind: c.kind,
      nullable: c.nullable,
    }));
    tables[table] = {
      columns,
      keys: TABLE_KEYS[table],
      rows: (rows[table] as unknown as Record<string, unknown>[]).map((r) => columns.map((c) => jsonCell(r[c.name]))),
    };
  }
  writeFileSync(file, JSON.stringify({ tables }));
}
