/**
 * Rows ⇄ Arrow tables for the tables of ./schemas.ts. {@link makeTable} builds one record batch
 * from plain rows (checking that integers are integers in range, so a wrong value fails here
 * rather than being silently truncated in the file); {@link tableToRows} is its inverse (int64
 * back to number, timestamps back to Date, list columns back to typed arrays).
 */
import * as arrow from 'apache-arrow';
import type { TrialParams } from '../config/parameters.js';
import {
  PARAMETER_COLUMN_DECLS,
  TABLE_COLUMNS,
  arrowType,
  isSiblingTable,
  tableSchema,
  type Column,
  type RowsOf,
  type StoredRowsOf,
  type TableName,
} from './schemas.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function badValue(table: string, name: string, i: number, what: string, v: unknown): TypeError {
  return new TypeError(`${table}.${name} row ${i}: expected ${what}, found ${String(v)}`);
}

/** A list column's data: offsets into one flat child array of float32 or float64. */
function listData(
  table: string,
  name: string,
  c: Column,
  values: readonly unknown[],
): arrow.Data<arrow.List<arrow.Float32 | arrow.Float64>> {
  const type = arrowType(c.kind) as arrow.List<arrow.Float32 | arrow.Float64>;
  const Flat = c.kind === 'list_float32' ? Float32Array : Float64Array;
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  values.forEach((v, i) => {
    if (!(v instanceof Float32Array || v instanceof Float64Array || Array.isArray(v))) {
      throw badValue(table, name, i, 'a Float32Array or Float64Array', v);
    }
    total += v.length;
    offsets[i + 1] = total;
  });
  const flat = new Flat(total);
  values.forEach((v, i) => flat.set(v as ArrayLike<number>, offsets[i]));
  const child = arrow.makeData({ type: type.children[0].type, length: total, data: flat });
  return arrow.makeData({ type, length: values.length, valueOffsets: offsets, child });
}

/** Checks and converts one scalar column's values for Arrow's builders. */
function scalarValues(table: string, name: string, c: Column, values: readonly unknown[]): unknown[] {
  return values.map((v, i) => {
    if (v === null || v === undefined) {
      if (!c.nullable) throw badValue(table, name, i, `a non-null ${c.kind}`, v);
      return null;
    }
    switch (c.kind) {
      case 'int32':
        if (!Number.isInteger(v) || (v as number) < INT32_MIN || (v as number) > INT32_MAX)
          throw badValue(table, name, i, 'an int32', v);
        return v;
      case 'int64':
        if (!Number.isSafeInteger(v)) throw badValue(table, name, i, 'a safe integer (int64)', v);
        return BigInt(v as number);
      case 'float64':
        if (typeof v !== 'number') throw badValue(table, name, i, 'a number', v);
        return v;
      case 'utf8':
      case 'dict':
        if (typeof v !== 'string') throw badValue(table, name, i, 'a string', v);
        return v;
      case 'timestamp_ms':
        if (!(v instanceof Date) || Number.isNaN(v.getTime())) throw badValue(table, name, i, 'a valid Date', v);
        return v;
      default:
        throw new Error(`unreachable: ${c.kind}`);
    }
  });
}

const PARAMETER_NAMES: ReadonlySet<string> = new Set(Object.keys(PARAMETER_COLUMN_DECLS));

/**
 * A column holding one value in every row (a trial's parameter in a sibling table), built
 * directly rather than value by value: a dictionary of one entry with zero indices, a filled
 * typed array, or all nulls.
 */
function constantData(
  table: string,
  name: string,
  c: Column,
  type: arrow.DataType,
  value: unknown,
  length: number,
): arrow.Data {
  const [v] = scalarValues(table, name, c, [value]);
  // All nulls: a zeroed validity bitmap beside zeroed values (readers expect the values buffer).
  const nulls = v === null ? { nullCount: length, nullBitmap: new Uint8Array((length + 7) >> 3) } : {};
  switch (c.kind) {
    case 'dict': {
      const dictType = type as arrow.Dictionary<arrow.Utf8, arrow.Int32>;
      const dictionary = arrow.vectorFromArray(v === null ? [] : [v as string], new arrow.Utf8());
      return arrow.makeData({ type: dictType, length, data: new Int32Array(length), dictionary, ...nulls });
    }
    case 'int32':
      return arrow.makeData({
        type: type as arrow.Int32,
        length,
        data: new Int32Array(length).fill((v ?? 0) as number),
        ...nulls,
      });
    case 'int64':
      return arrow.makeData({
        type: type as arrow.Int64,
        length,
        data: new BigInt64Array(length).fill((v ?? 0n) as bigint),
        ...nulls,
      });
    case 'float64':
      return arrow.makeData({
        type: type as arrow.Float64,
        length,
        data: new Float64Array(length).fill((v ?? 0) as number),
        ...nulls,
      });
    default:
      throw new Error(`a parameter column of kind ${c.kind}`);
  }
}

/**
 * An Arrow table (one record batch) of `rows` with the schema of `table` and `meta` added to the
 * schema metadata. The siblings of `trials` (curves, kernels, …) take their parameter columns from
 * `params`, the trial's, one value for every row. Inverse: {@link tableToRows}.
 */
export function makeTable<T extends TableName>(
  table: T,
  rows: readonly RowsOf[T][],
  meta: Record<string, string> = {},
  params?: TrialParams,
): arrow.Table {
  const schema = tableSchema(table, meta);
  const columns = TABLE_COLUMNS[table] as Record<string, Column>;
  const fromParams = isSiblingTable(table);
  if (fromParams && params === undefined)
    throw new TypeError(`${table}: the trial's parameters are needed for its parameter columns`);
  const children = schema.fields.map((f) => {
    const c = columns[f.name];
    if (fromParams && PARAMETER_NAMES.has(f.name)) {
      return constantData(
        table,
        f.name,
        c,
        f.type,
        (params as unknown as Record<string, unknown>)[f.name],
        rows.length,
      );
    }
    const values = rows.map((r) => (r as unknown as Record<string, unknown>)[f.name]);
    if (c.kind === 'list_float32' || c.kind === 'list_float64') return listData(table, f.name, c, values);
    const builder = arrow.makeBuilder({ type: f.type, nullValues: [null] });
    for (const v of scalarValues(table, f.name, c, values)) builder.append(v);
    return builder.finish().flush();
  });
  const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length: rows.length, children });
  return new arrow.Table(schema, [new arrow.RecordBatch(schema, struct)]);
}

/** The value of cell `i` of an Arrow column as the row interfaces hold it. */
function cell(c: Column, vector: arrow.Vector, i: number): unknown {
  const v: unknown = vector.get(i);
  if (v === null || v === undefined) return null;
  switch (c.kind) {
    case 'int64':
      return Number(v as bigint);
    case 'timestamp_ms':
      return new Date(Number(v));
    case 'list_float32':
      return Float32Array.from((v as arrow.Vector).toArray() as Float32Array);
    case 'list_float64':
      return Float64Array.from((v as arrow.Vector).toArray() as Float64Array);
    default:
      return v;
  }
}

/** The rows of an Arrow table of `table`'s schema (inverse of {@link makeTable}). Columns are found by name. */
export function tableToRows<T extends TableName>(table: T, data: arrow.Table): StoredRowsOf[T][] {
  const columns = Object.entries(TABLE_COLUMNS[table] as Record<string, Column>).map(([name, c]) => {
    const vector = data.getChild(name);
    if (!vector) throw new TypeError(`${table}: the table has no column ${name}`);
    return { name, c, vector };
  });
  const out: StoredRowsOf[T][] = [];
  for (let i = 0; i < data.numRows; i++) {
    const row: Record<string, unknown> = {};
    for (const { name, c, vector } of columns) row[name] = cell(c, vector, i);
    out.push(row as unknown as StoredRowsOf[T]);
  }
  return out;
}
