/**
 * Fits rows as an Arrow table ({@link fitsSchema}) and Parquet bytes (zstd, through parquet-wasm,
 * the Arrow schema kept).
 */
import * as arrow from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import type { GroupAxis } from './group-axes.js';
import { FIT_FIELDS, fitsSchema, type FitRow } from './schemas.js';

/** A group-axis value in the type its Arrow column holds (Int64 wants a bigint). */
function axisValue(v: unknown, type: arrow.DataType): unknown {
  if (v === null || v === undefined) return null;
  if (arrow.DataType.isInt(type) && type.bitWidth === 64) return BigInt(v as number | bigint);
  if (arrow.DataType.isInt(type) || arrow.DataType.isFloat(type)) return Number(v);
  if (arrow.DataType.isBool(type)) return Boolean(v);
  return String(v);
}

/** The fits as an Arrow table with the group axes as columns. */
export function makeFitsTable(rows: readonly FitRow[], axes: readonly GroupAxis[]): arrow.Table {
  const groupFields = axes.map((a) => new arrow.Field(a.name, a.arrow, true));
  const schema = fitsSchema(groupFields);
  const columns: Record<string, arrow.Vector> = {
    group: arrow.vectorFromArray(
      rows.map((r) => r.group),
      new arrow.Utf8(),
    ),
  };
  for (const a of axes)
    columns[a.name] = arrow.vectorFromArray(
      rows.map((r) => axisValue(r.groupValues[a.name], a.arrow)),
      a.arrow,
    );
  for (const field of FIT_FIELDS) {
    columns[field.name] = arrow.vectorFromArray(
      rows.map((r) => r[field.name as keyof FitRow] ?? null),
      field.type,
    );
  }
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: rows.length,
    nullCount: 0,
    children: schema.fields.map((fl) => columns[fl.name].data[0] ?? arrow.makeData({ type: fl.type, length: 0 })),
  });
  return new arrow.Table(schema, [new arrow.RecordBatch(schema, data)]);
}

/** Parquet bytes of the fits table. */
export function fitsTableToParquet(table: arrow.Table): Uint8Array {
  const wasmTable = WasmTable.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  return writeParquet(wasmTable, new WriterPropertiesBuilder().setCompression(Compression.ZSTD).build());
}
