/**
 * Kernel rows as an Arrow table and a Parquet file: one row per kernel row, with columns
 * `kind` (utf8: analytic_ntk | analytic_nngp | empirical), `step` (int32: the empirical
 * snapshot's training step, 0 for analytic kernels), `row` (int32) and `values` (list<float32>,
 * the kernel row). Parquet through src/tables/parquet.ts (parquet-wasm, zstd-compressed).
 * {@link makeKernelTable} / {@link kernelTableToSnapshots} and {@link kernelTableToParquet} /
 * {@link parquetToKernelTable} are inverses of each other.
 */
import * as arrow from 'apache-arrow';
import type { KernelKind, KernelSnapshot } from '../kernels-for-config.js';
import { makeMat } from '../linalg/mat.js';
import { arrowToParquet, parquetToArrow } from './parquet.js';

/** The Arrow schema of the table (fields not nullable). */
export function kernelTableSchema(metadata: Record<string, string> = {}): arrow.Schema {
  return new arrow.Schema(
    [
      new arrow.Field('kind', new arrow.Utf8(), false),
      new arrow.Field('step', new arrow.Int32(), false),
      new arrow.Field('row', new arrow.Int32(), false),
      new arrow.Field('values', new arrow.List(new arrow.Field('item', new arrow.Float32(), false)), false),
    ],
    new Map(Object.entries(metadata)),
  );
}

/**
 * One table row per kernel row of each snapshot, in the snapshots' order. `metadata` becomes the
 * schema's key-value metadata (kept in the Parquet file). Inverse: {@link kernelTableToSnapshots}.
 */
export function makeKernelTable(
  snapshots: readonly KernelSnapshot[],
  metadata: Record<string, string> = {},
): arrow.Table {
  const schema = kernelTableSchema(metadata);
  const kinds: string[] = [];
  const steps: number[] = [];
  const rows: number[] = [];
  let total = 0;
  for (const s of snapshots) total += s.kernel.rows * s.kernel.cols;
  const flat = new Float32Array(total);
  const offsets = new Int32Array(snapshots.reduce((n, s) => n + s.kernel.rows, 0) + 1);
  let r = 0;
  let o = 0;
  for (const s of snapshots) {
    const k = s.kernel;
    for (let i = 0; i < k.rows; i++) {
      kinds.push(s.kind);
      steps.push(s.step);
      rows.push(i);
      flat.set(k.data.subarray(i * k.cols, (i + 1) * k.cols), o);
      o += k.cols;
      offsets[++r] = o;
    }
  }
  const [kindF, stepF, rowF, valuesF] = schema.fields;
  const kindData = arrow.vectorFromArray(kinds, kindF.type as arrow.Utf8).data[0];
  const stepData = arrow.makeData({ type: stepF.type as arrow.Int32, length: r, data: Int32Array.from(steps) });
  const rowData = arrow.makeData({ type: rowF.type as arrow.Int32, length: r, data: Int32Array.from(rows) });
  const child = arrow.makeData({ type: new arrow.Float32(), length: total, data: flat });
  const valuesData = arrow.makeData({
    type: valuesF.type as arrow.List<arrow.Float32>,
    length: r,
    valueOffsets: offsets,
    child,
  });
  const struct = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: r,
    children: [kindData, stepData, rowData, valuesData],
  });
  return new arrow.Table(schema, [new arrow.RecordBatch(schema, struct)]);
}

/** The snapshots of a kernel table (inverse of {@link makeKernelTable}; values widened to float64). */
export function kernelTableToSnapshots(table: arrow.Table): KernelSnapshot[] {
  const kind = table.getChild('kind')!;
  const step = table.getChild('step')!;
  const row = table.getChild('row')!;
  const values = table.getChild('values')!;
  const out: KernelSnapshot[] = [];
  let current: { kind: KernelKind; step: number; rows: Float32Array[] } | undefined;
  const flush = (): void => {
    if (!current) return;
    const n = current.rows.length;
    const cols = current.rows[0]?.length ?? 0;
    const m = makeMat(n, cols);
    current.rows.forEach((v, i) => m.data.set(v, i * cols));
    out.push({ kind: current.kind, step: current.step, kernel: m });
  };
  for (let i = 0; i < table.numRows; i++) {
    const k = kind.get(i) as KernelKind;
    const s = step.get(i) as number;
    const r = row.get(i) as number;
    if (!current || current.kind !== k || current.step !== s || r === 0) {
      flush();
      current = { kind: k, step: s, rows: [] };
    }
    current.rows.push((values.get(i) as arrow.Vector<arrow.Float32>).toArray() as Float32Array);
  }
  flush();
  return out;
}

/** Parquet bytes of an Arrow table (zstd; the Arrow schema and its metadata are kept). Inverse: {@link parquetToKernelTable}. */
export function kernelTableToParquet(table: arrow.Table): Uint8Array {
  return arrowToParquet(table);
}

/** An Arrow table from Parquet bytes (inverse of {@link kernelTableToParquet}). */
export function parquetToKernelTable(bytes: Uint8Array): arrow.Table {
  return parquetToArrow(bytes);
}
