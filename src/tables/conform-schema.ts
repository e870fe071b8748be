/**
 * An Arrow table given the exact schema a table is documented with: the Parquet files DuckDB's
 * COPY writes declare every column nullable (and may widen a type), so a table written that way
 * is read back through here before it is written again with its own schema.
 */
import * as arrow from 'apache-arrow';

/**
 * `table`'s columns under `schema`, matched by name: a column of the same type keeps its data, any
 * other is converted value by value. Throws when a column is missing, or holds a null where
 * `schema` says it cannot: the query that made the table disagrees with its documented schema.
 */
export function conformToSchema(table: arrow.Table, schema: arrow.Schema): arrow.Table {
  for (const field of schema.fields) {
    const column = table.getChild(field.name);
    if (!column) throw new Error(`conformToSchema: no column ${field.name}`);
    if (!field.nullable && column.nullCount > 0)
      throw new Error(`conformToSchema: ${field.name} has ${column.nullCount} nulls but is not nullable`);
  }
  // Batch by batch (one per row group when read from Parquet): their columns share row ranges.
  const batches = table.batches.map((batch) => {
    const children = schema.fields.map((field) => {
      const column = batch.getChild(field.name)!;
      return arrow.util.compareTypes(column.type, field.type)
        ? column.data[0]
        : arrow.vectorFromArray(
            Array.from(column, (v: unknown) => converted(v, field.type)),
            field.type,
          ).data[0];
    });
    const type = new arrow.Struct(schema.fields);
    return new arrow.RecordBatch(schema, arrow.makeData({ type, length: batch.numRows, nullCount: 0, children }));
  });
  return new arrow.Table(schema, batches);
}

/** A value in the JavaScript type a column of `type` is built from (64-bit integers from bigints). */
function converted(v: unknown, type: arrow.DataType): unknown {
  if (v === null || v === undefined) return null;
  if (arrow.DataType.isInt(type)) return type.bitWidth === 64 ? BigInt(v as number | bigint) : Number(v);
  if (arrow.DataType.isFloat(type)) return Number(v);
  return v;
}
