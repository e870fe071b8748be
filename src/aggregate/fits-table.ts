/** Fits rows as an Arrow table ({@link fitsSchema}); src/tables/parquet.ts writes it. */
import * as arrow from 'apache-arrow';
import { groupFields, type GroupAxis } from './group-axes.js';
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
  const schema = fitsSchema(groupFields(axes));
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
