/**
 * The Arrow schema of each per-trial table of the run folder (docs/design.md §7; the rows are in
 * ./rows.ts). Each table is declared once as a column list keyed by the row interface's fields:
 * the compiler checks that every field has a column, that nullable fields (`T | null`) have
 * nullable columns and the others not, and that the column's kind fits the field's TypeScript type.
 * From that list come the Arrow schema ({@link tableSchema}) and the row ⇄ Arrow conversion
 * (./arrow-rows.ts).
 *
 * Physical types: integers int32, seeds int64, floats float64, the kernel rows list<float32>
 * (analytic rows list<float64>), low-cardinality names dictionary<int32, utf8>, `started_at`
 * timestamp[ms, UTC]. `summary` and `fits` (the aggregation's tables) are declared elsewhere.
 *
 * Every per-trial table (curves, kernels, predictions, spectra, modes and trials) holds the
 * trial's parameter columns ({@link PARAMETER_COLUMN_DECLS}, from src/config/parameters.ts): all of
 * them, always, whatever the grid — null where a config has no such field — so every file of a table
 * has the same columns and any table groups by `width` or `activation` without a join. In each
 * sibling file they are constant (one value per file: Parquet stores them dictionary-encoded).
 * They follow `trial_id` in the siblings and the trials' identity columns in `trials`.
 */
import * as arrow from 'apache-arrow';
import { PARAMETERS, type TrialParams } from '../config/parameters.js';
import type { AnalyticRow, CurveRow, KernelRow, ModeRow, PredictionRow, SpectrumRow, TrialRow } from './rows.js';
import { NTK_SWEEP_VERSION } from './versions.js';

/** How a column is stored. */
export type ColumnKind =
  'int32' | 'int64' | 'float64' | 'utf8' | 'dict' | 'timestamp_ms' | 'list_float32' | 'list_float64';

/** One column: its kind and whether it may hold nulls. */
export interface Column<K extends ColumnKind = ColumnKind, N extends boolean = boolean> {
  readonly kind: K;
  readonly nullable: N;
}

/** The column kinds a field of TypeScript type `T` may be stored as. */
type KindsFor<T> = [T] extends [string]
  ? 'utf8' | 'dict'
  : [T] extends [number]
    ? 'int32' | 'int64' | 'float64'
    : [T] extends [Date]
      ? 'timestamp_ms'
      : [T] extends [Float32Array]
        ? 'list_float32'
        : [T] extends [Float64Array]
          ? 'list_float64'
          : never;

/** A column per field of row type `R`, nullable exactly where the field admits null. */
export type Columns<R> = {
  readonly [F in keyof R]-?: null extends R[F]
    ? Column<KindsFor<NonNullable<R[F]>>, true>
    : Column<KindsFor<R[F]>, false>;
};

const col = <K extends ColumnKind>(kind: K): Column<K, false> => ({ kind, nullable: false });
const orNull = <K extends ColumnKind>(c: Column<K, false>): Column<K, true> => ({ kind: c.kind, nullable: true });

const int32 = col('int32');
const f64 = col('float64');
const utf8 = col('utf8');
const dict = col('dict');

/** The parameter columns, in order (src/config/parameters.ts). */
export const PARAMETER_COLUMN_DECLS = Object.fromEntries(
  PARAMETERS.map((p) => [p.column, { kind: p.kind satisfies ColumnKind, nullable: p.nullable }]),
) as unknown as Columns<TrialParams>;

export const TRIAL_COLUMNS: Columns<TrialRow> = {
  trial_id: utf8,
  sweep_id: utf8,
  analytic_id: orNull(utf8),
  params_json: utf8,
  status: utf8,
  error: orNull(utf8),
  ...PARAMETER_COLUMN_DECLS,
  diverged_at_step: orNull(int32),
  steps_done: int32,
  attempts: int32,
  backend: dict,
  device: utf8,
  started_at: col('timestamp_ms'),
  wall_s: f64,
  eta_crit: orNull(f64),
  lr_over_crit: orNull(f64),
  final_train_loss: orNull(f64),
  final_test_loss: orNull(f64),
  final_kernel_rel_err: orNull(f64),
  final_kernel_drift: orNull(f64),
  final_weight_change: orNull(f64),
  final_pred_gap_analytic: orNull(f64),
  final_pred_gap_linear: orNull(f64),
  test_loss_initial_kernel: orNull(f64),
  test_loss_after_kernel: orNull(f64),
  test_loss_analytic_kernel: orNull(f64),
};

export const CURVE_COLUMNS: Columns<CurveRow> = {
  trial_id: utf8,
  step: int32,
  train_loss: f64,
  test_loss: orNull(f64),
  pred_train_loss_analytic: orNull(f64),
  pred_test_loss_analytic: orNull(f64),
  pred_train_loss_linear: orNull(f64),
  pred_test_loss_linear: orNull(f64),
  weight_change: f64,
  weight_change_input: orNull(f64),
  weight_change_hidden: orNull(f64),
  weight_change_output: orNull(f64),
  bias_change_input: orNull(f64),
  bias_change_hidden: orNull(f64),
  bias_change_output: orNull(f64),
  kernel_rel_err: orNull(f64),
  kernel_drift: orNull(f64),
  pred_gap_analytic: orNull(f64),
  pred_gap_linear: orNull(f64),
  pred_gap_analytic_rel: orNull(f64),
  pred_gap_linear_rel: orNull(f64),
};

export const KERNEL_COLUMNS: Columns<KernelRow> = {
  trial_id: utf8,
  step: int32,
  kind: utf8,
  split: utf8,
  row: int32,
  values: col('list_float32'),
};

export const PREDICTION_COLUMNS: Columns<PredictionRow> = {
  trial_id: utf8,
  step: int32,
  point: int32,
  output: int32,
  y: f64,
  f_nn: f64,
  f_lin_analytic: orNull(f64),
  f_lin_empirical: orNull(f64),
  f_ensemble_mean: orNull(f64),
  f_ensemble_var: orNull(f64),
};

export const SPECTRUM_COLUMNS: Columns<SpectrumRow> = {
  trial_id: utf8,
  step: int32,
  kind: utf8,
  rank: int32,
  eigenvalue: f64,
};

export const MODE_COLUMNS: Columns<ModeRow> = {
  trial_id: utf8,
  step: int32,
  rank: int32,
  eigenvalue: f64,
  residual: f64,
  predicted: f64,
};

export const ANALYTIC_COLUMNS: Columns<AnalyticRow> = {
  analytic_id: utf8,
  kind: utf8,
  split: utf8,
  row: int32,
  values: col('list_float64'),
};

/** The per-trial tables whose rows hold no parameters: the writer adds the trial's parameter columns. */
export const SIBLING_TABLE_NAMES = ['curves', 'kernels', 'predictions', 'spectra', 'modes'] as const;
export type SiblingTableName = (typeof SIBLING_TABLE_NAMES)[number];

/** A sibling's columns as stored: `trial_id`, the parameter columns, then its own. */
function withParameters<R extends { trial_id: string }>(columns: Columns<R>): Columns<R & TrialParams> {
  const { trial_id, ...own } = columns as Columns<{ trial_id: string }> & Record<string, Column>;
  return { trial_id, ...PARAMETER_COLUMN_DECLS, ...own } as unknown as Columns<R & TrialParams>;
}

/** The row type of each table this module declares, as a trial computes it. */
export interface RowsOf {
  trials: TrialRow;
  curves: CurveRow;
  kernels: KernelRow;
  predictions: PredictionRow;
  spectra: SpectrumRow;
  modes: ModeRow;
  analytic: AnalyticRow;
}
export type TableName = keyof RowsOf;

/** The row type of each table as its files hold it: the siblings' rows with the trial's parameters. */
export type StoredRowsOf = { [T in TableName]: T extends SiblingTableName ? RowsOf[T] & TrialParams : RowsOf[T] };

/** Column lists by table name, in the order the columns appear in the files. */
export const TABLE_COLUMNS: { readonly [T in TableName]: Columns<StoredRowsOf[T]> } = {
  trials: TRIAL_COLUMNS,
  curves: withParameters(CURVE_COLUMNS),
  kernels: withParameters(KERNEL_COLUMNS),
  predictions: withParameters(PREDICTION_COLUMNS),
  spectra: withParameters(SPECTRUM_COLUMNS),
  modes: withParameters(MODE_COLUMNS),
  analytic: ANALYTIC_COLUMNS,
};

/** True for the tables whose files take the trial's parameter columns from the writer. */
export function isSiblingTable(table: TableName): table is SiblingTableName {
  return (SIBLING_TABLE_NAMES as readonly string[]).includes(table);
}

export const TABLE_NAMES = Object.keys(TABLE_COLUMNS) as TableName[];

/** Keys of the schema metadata (kept in the Parquet file's `ARROW:schema`). */
export const META = {
  /** The ntk-sweep version that wrote the file. */
  version: 'ntk_sweep.version',
  /** The table's name (`trials`, `curves`, …). */
  table: 'ntk_sweep.table',
  /** The trial a per-trial file belongs to (or the analytic_id of an `analytic` file). */
  id: 'ntk_sweep.id',
  /** In `trials` files only: the trial's status, so that listing needs only the footer. */
  status: 'ntk_sweep.status',
  /** In `trials` files only: the analytic_id the trial depends on ('' for none). */
  analyticId: 'ntk_sweep.analytic_id',
} as const;

/** The Arrow type of a column kind. */
export function arrowType(kind: ColumnKind): arrow.DataType {
  switch (kind) {
    case 'int32':
      return new arrow.Int32();
    case 'int64':
      return new arrow.Int64();
    case 'float64':
      return new arrow.Float64();
    case 'utf8':
      return new arrow.Utf8();
    case 'dict':
      return new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
    case 'timestamp_ms':
      return new arrow.Timestamp(arrow.TimeUnit.MILLISECOND, 'UTC');
    case 'list_float32':
      // The element field is `item`, nullable: the Arrow default, so pyarrow sees exactly list<float>.
      return new arrow.List(new arrow.Field('item', new arrow.Float32(), true));
    case 'list_float64':
      return new arrow.List(new arrow.Field('item', new arrow.Float64(), true));
  }
}

/**
 * The Arrow schema of `table`, with `ntk_sweep.version` and `ntk_sweep.table` in its metadata
 * plus any `extra` entries.
 */
export function tableSchema(table: TableName, extra: Record<string, string> = {}): arrow.Schema {
  const columns = TABLE_COLUMNS[table] as Record<string, Column>;
  const fields = Object.entries(columns).map(([name, c]) => new arrow.Field(name, arrowType(c.kind), c.nullable));
  const metadata = new Map([[META.version, NTK_SWEEP_VERSION], [META.table, table], ...Object.entries(extra)]);
  return new arrow.Schema(fields, metadata);
}
