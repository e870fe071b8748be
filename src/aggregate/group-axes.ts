/**
 * Which parameters define the groups of a width study: every resolved parameter other than the
 * width and the seed that takes more than one value in the run.
 *
 * They are read from `params_json`, the trial's canonical resolved parameters (src/config/ids.ts:
 * `{"dataset":{…},"model":{"width":…,…},"seed":…,"train":{…},"ntk":{…}}`), so that any grid axis
 * is found — also fields without a column of their own, such as `ntk.probe.n` — from one
 * column instead of one per candidate (with thousands of small files, every column read costs).
 * An axis that is a trials column (`model.depth` → `depth`) keeps that name and type; the others
 * are named by their dotted path. When params_json is absent or not in that form, the trials
 * parameter columns (src/config/parameters.ts) that vary are the axes.
 */
import * as arrow from 'apache-arrow';
import { quotedIdentifier as qi, quotedString as qs, type DuckDBConnection } from '@duckdb/node-api';
import { GROUP_PARAMETERS, WITHIN_GROUP_PATHS } from '../config/parameters.js';
import { RunFolderError } from '../errors.js';

/** The trial parameters that may form a group (all but width and seed), in column order (src/config/parameters.ts). */
export const GROUP_CANDIDATES: readonly string[] = GROUP_PARAMETERS.map((p) => p.column);

/** The params_json path of each candidate column. */
export const PARAM_PATHS: Readonly<Record<string, string>> = Object.fromEntries(
  GROUP_PARAMETERS.map((p) => [p.column, p.path]),
);

/** Columns the aggregation cannot do without. */
export const REQUIRED_TRIAL_COLUMNS = ['trial_id', 'status', 'width', 'seed'] as const;

/** A column of a view: its name and DuckDB type name. */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** A group axis: its column name in summary/fits, its DuckDB type, the SQL that reads it from agg_trial_rows, its Arrow type. */
export interface GroupAxis extends ColumnInfo {
  sql: string;
  arrow: arrow.DataType;
}

/** The group axes as the nullable columns of summary and fits (src/aggregate/schemas.ts). */
export function groupFields(axes: readonly Pick<GroupAxis, 'name' | 'arrow'>[]): arrow.Field[] {
  return axes.map((a) => new arrow.Field(a.name, a.arrow, true));
}

/** The columns of a view or table (`DESCRIBE`). */
export async function describeColumns(connection: DuckDBConnection, relation: string): Promise<ColumnInfo[]> {
  const reader = await connection.runAndReadAll(`DESCRIBE ${qi(relation)}`);
  return reader.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

/** The Arrow type a DuckDB column type is stored as in summary/fits (anything unusual becomes text). */
export function arrowTypeOf(duckType: string): arrow.DataType {
  switch (duckType) {
    case 'INTEGER':
      return new arrow.Int32();
    case 'BIGINT':
      return new arrow.Int64();
    case 'DOUBLE':
      return new arrow.Float64();
    case 'FLOAT':
      return new arrow.Float32();
    case 'BOOLEAN':
      return new arrow.Bool();
    default:
      return new arrow.Utf8();
  }
}

const STORED = new Set(['INTEGER', 'BIGINT', 'DOUBLE', 'FLOAT', 'BOOLEAN', 'VARCHAR']);

/** Throws {@link RunFolderError} when the trials table lacks a column the aggregation needs. */
export function checkTrialColumns(columns: readonly ColumnInfo[]): void {
  const names = new Set(columns.map((c) => c.name));
  const missing = REQUIRED_TRIAL_COLUMNS.filter((c) => !names.has(c));
  if (missing.length) throw new RunFolderError(`the trials table has no column ${missing.join(', ')}`);
}

type Scalar = string | number | boolean | null;
const SAFE_KEY = /^[A-Za-z0-9_]+$/u;

/** Leaf values of a JSON object by dotted path (arrays and odd keys are leaves, as JSON text). */
function flatten(value: unknown, prefix: string, out: Map<string, Scalar>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (SAFE_KEY.test(k)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
      else out.set(`${prefix}.<${k}>`, JSON.stringify(v)); // not extractable by name: makes the fallback kick in
    }
  } else {
    out.set(prefix, Array.isArray(value) ? JSON.stringify(value) : (value as Scalar));
  }
}

/** Whether parsed params_json has the canonical form (src/config/ids.ts). */
function isCanonical(p: unknown): p is { model: { width: unknown }; seed: unknown } {
  if (p === null || typeof p !== 'object') return false;
  const o = p as Record<string, unknown>;
  return typeof o.seed === 'number' && typeof o.model === 'object' && o.model !== null && 'width' in o.model;
}

/** The DuckDB type of an axis read from JSON, from its values. */
function jsonType(values: Scalar[]): string {
  const present = values.filter((v) => v !== null);
  if (present.every((v) => typeof v === 'boolean')) return 'BOOLEAN';
  if (present.every((v) => typeof v === 'number'))
    return present.every((v) => Number.isInteger(v)) ? 'BIGINT' : 'DOUBLE';
  return 'VARCHAR';
}

const jsonPath = (path: string): string =>
  qs(
    `$.${path
      .split('.')
      .map((k) => `"${k}"`)
      .join('.')}`,
  );

/**
 * Axes from params_json, or undefined when it is absent or not canonical in some trial. Reads
 * only the distinct params_json values of agg_trial_rows.
 */
async function axesFromParams(
  connection: DuckDBConnection,
  trialColumns: readonly ColumnInfo[],
): Promise<GroupAxis[] | undefined> {
  if (!trialColumns.some((c) => c.name === 'params_json')) return undefined;
  const distinct = (await connection.runAndReadAll('SELECT DISTINCT params_json FROM agg_trial_rows')).getColumns()[0];
  const values = new Map<string, Set<string>>();
  const samples = new Map<string, Scalar[]>();
  const flats: Map<string, Scalar>[] = [];
  for (const text of distinct) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(text));
    } catch {
      return undefined;
    }
    if (!isCanonical(parsed)) return undefined;
    const flat = new Map<string, Scalar>();
    flatten(parsed, '', flat);
    flats.push(flat);
  }
  const paths = new Set(flats.flatMap((f) => [...f.keys()]));
  for (const path of paths) {
    if (WITHIN_GROUP_PATHS.has(path)) continue;
    const seen = flats.map((f) => (f.has(path) ? f.get(path)! : null));
    values.set(path, new Set(seen.map((v) => JSON.stringify(v))));
    samples.set(path, seen);
  }
  const varying = [...values].filter(([, s]) => s.size > 1).map(([p]) => p);
  if (varying.some((p) => p.includes('<'))) return undefined;
  const columnOf = new Map(Object.entries(PARAM_PATHS).map(([col, path]) => [path, col]));
  const typeOf = new Map(trialColumns.map((c) => [c.name, c.type]));
  const order = (p: string): number => {
    const col = columnOf.get(p);
    return col ? GROUP_CANDIDATES.indexOf(col) : GROUP_CANDIDATES.length;
  };
  varying.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  return varying.map((path) => {
    const col = columnOf.get(path);
    const colType = col ? typeOf.get(col) : undefined;
    const type = colType && STORED.has(colType) ? colType : jsonType(samples.get(path)!);
    const extract =
      type === 'VARCHAR'
        ? `json_extract_string(params_json, ${jsonPath(path)})`
        : `CAST(json_extract(params_json, ${jsonPath(path)}) AS ${type})`;
    return { name: col && colType ? col : path, type, sql: extract, arrow: arrowTypeOf(type) };
  });
}

/** Axes from the candidate columns of agg_trial_rows that take more than one value. */
async function axesFromColumns(
  connection: DuckDBConnection,
  trialColumns: readonly ColumnInfo[],
): Promise<GroupAxis[]> {
  const present = trialColumns.filter((c) => GROUP_CANDIDATES.includes(c.name));
  if (present.length === 0) return [];
  const counts = (
    await connection.runAndReadAll(
      `SELECT ${present.map((c) => `count(DISTINCT ${qi(c.name)})`).join(', ')} FROM agg_trial_rows`,
    )
  ).getRows()[0];
  return present
    .filter((_, i) => Number(counts[i]) > 1)
    .map((c) => ({
      ...c,
      sql: STORED.has(c.type) ? qi(c.name) : `CAST(${qi(c.name)} AS VARCHAR)`,
      arrow: arrowTypeOf(c.type),
    }));
}

/**
 * The columns of `trials` that agg_trial_rows must hold so that {@link findGroupAxes} can work:
 * params_json when it is there, else the candidate columns.
 */
export function axisSourceColumns(trialColumns: readonly ColumnInfo[]): string[] {
  return trialColumns.some((c) => c.name === 'params_json') ? ['params_json'] : [...GROUP_CANDIDATES];
}

/**
 * The group axes of the run, from agg_trial_rows (a copy of the trials columns the aggregation
 * reads; see src/aggregate/summary-sql.ts). `copyCandidates` is called when params_json cannot
 * tell and the candidate columns must be read after all.
 */
export async function findGroupAxes(
  connection: DuckDBConnection,
  trialColumns: readonly ColumnInfo[],
  copyCandidates: () => Promise<void>,
): Promise<GroupAxis[]> {
  checkTrialColumns(trialColumns);
  const fromParams = await axesFromParams(connection, trialColumns);
  if (fromParams) return fromParams;
  await copyCandidates();
  return axesFromColumns(connection, trialColumns);
}

/**
 * SQL over `trials` that gives a group axis of summary/fits by its column name there: the column
 * itself when `trials` has one (`depth`), else its value in params_json (`ntk.probe.n`),
 * as text — compare with `CAST(summary_column AS VARCHAR)` to match trials to their group.
 */
export function trialAxisSql(name: string, trialColumns: readonly string[]): string {
  if (trialColumns.includes(name)) return qi(name);
  return `json_extract_string(params_json, ${jsonPath(name)})`;
}
