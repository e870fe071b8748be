/**
 * The one declaration of a trial's recorded parameters: every field a grid axis may set and the
 * kinds beside them. Each entry says where the field lives in the YAML (`path`), the column that
 * records it in every per-trial table (its name and how it is stored), its short grid name and
 * command-line flag if it has them, whether a grid may sweep it, and whether it forms the groups
 * of a width study. The grid's fields and short names (./grid.ts), the field flags
 * (cli/field-flags.ts), the parameter columns of the tables (src/tables/schemas.ts) and the
 * trial row ({@link trialParamsOf}), and the aggregation's group axes
 * (src/aggregate/group-axes.ts) are all derived from this list: adding a sweepable field is one
 * entry here (docs/architecture.md, "Adding a sweepable field").
 *
 * The zod schema (./schema.ts) stays the judge of a field's values; a grid value is checked by
 * parsing the config with the field set to it.
 */
import type { SweepConfig } from './types.js';

/** How a parameter column is stored: a subset of the tables' column kinds (src/tables/schemas.ts). */
export type ParameterKind = 'int32' | 'int64' | 'float64' | 'dict';

/** Whether and how a parameter splits a width study into groups. */
export type Grouping =
  /** Varies within a group: the width study's x axis (width) and its repeats (seed). */
  | 'within'
  /** Forms a group axis when it takes more than one value in the run. */
  | 'axis';

export interface Parameter {
  /** Dotted snake_case YAML path (`model.w_std`), as in params_json and grid axes. */
  readonly path: string;
  /** Column name in every per-trial table (snake_case, unique among all columns). */
  readonly column: string;
  readonly kind: ParameterKind;
  /** True when some configs have no value (a target's `freq` exists for `sin` only): a null cell. */
  readonly nullable: boolean;
  /** True when a grid axis may set it. Kinds are not sweepable: they change the shape of a section. */
  readonly sweepable: boolean;
  readonly grouping: Grouping;
  /** Short grid axis name (`lr` for train.lr). */
  readonly short?: string;
  /** Help of the command-line flag `--<column>` of `kernel` and `trial`, when it has one. */
  readonly flag?: string;
  /** Its value in a resolved config (null where `nullable` and the config has none). */
  readonly get: (c: SweepConfig) => number | string | null;
}

const target = (c: SweepConfig) => c.dataset.target;

/** In column order. */
export const PARAMETERS = [
  {
    path: 'model.width',
    column: 'width',
    kind: 'int32',
    nullable: false,
    sweepable: true,
    grouping: 'within',
    short: 'width',
    flag: 'hidden-layer width (overrides the config and its grid)',
    get: (c) => c.model.width,
  },
  {
    path: 'model.depth',
    column: 'depth',
    kind: 'int32',
    nullable: false,
    sweepable: true,
    grouping: 'axis',
    short: 'depth',
    flag: 'number of hidden layers',
    get: (c) => c.model.depth,
  },
  {
    path: 'train.lr',
    column: 'lr',
    kind: 'float64',
    nullable: false,
    sweepable: true,
    grouping: 'axis',
    short: 'lr',
    flag: 'learning rate of full-batch gradient descent',
    get: (c) => c.train.lr,
  },
  {
    path: 'seed',
    column: 'seed',
    kind: 'int64',
    nullable: false,
    sweepable: true,
    grouping: 'within',
    short: 'seed',
    flag: 'seed of the initial weights',
    get: (c) => c.seed,
  },
  {
    path: 'model.activation',
    column: 'activation',
    kind: 'dict',
    nullable: false,
    sweepable: true,
    grouping: 'axis',
    get: (c) => c.model.activation,
  },
  {
    path: 'model.parameterization',
    column: 'parameterization',
    kind: 'dict',
    nullable: false,
    sweepable: true,
    grouping: 'axis',
    get: (c) => c.model.parameterization,
  },
  {
    path: 'model.w_std',
    column: 'w_std',
    kind: 'float64',
    nullable: false,
    sweepable: true,
    grouping: 'axis',
    get: (c) => c.model.wStd,
  },
  {
    path: 'model.b_std',
    column: 'b_std',
    kind: 'float64',
    nullable: false,
    sweepable: true,
    grouping: 'axis',
    get: (c) => c.model.bStd,
  },
  {
    path: 'model.outputs',
    column: 'outputs',
    kind: 'int32',
    nullable: false,
    sweepable: true,
    grouping: 'axis',
    get: (c) => c.model.outputs,
  },
  {
    path: 'dataset.kind',
    column: 'dataset',
    kind: 'dict',
    nullable: false,
    sweepable: false,
    grouping: 'axis',
    get: (c) => c.dataset.kind,
  },
  {
    path: 'dataset.n_train',
    column: 'n_train',
    kind: 'int32',
    nullable: false,
    sweepable: true,
    grouping: 'axis',
    get: (c) => c.dataset.nTrain,
  },
  {
    path: 'dataset.n_test',
    column: 'n_test',
    kind: 'int32',
    nullable: false,
    sweepable: true,
    grouping: 'axis',
    get: (c) => c.dataset.nTest,
  },
  {
    path: 'dataset.seed',
    column: 'data_seed',
    kind: 'int64',
    nullable: false,
    sweepable: true,
    grouping: 'axis',
    get: (c) => c.dataset.seed,
  },
  {
    path: 'dataset.target.kind',
    column: 'target',
    kind: 'dict',
    nullable: false,
    sweepable: false,
    grouping: 'axis',
    get: (c) => target(c).kind,
  },
  {
    path: 'train.steps',
    column: 'steps',
    kind: 'int32',
    nullable: false,
    sweepable: true,
    grouping: 'axis',
    flag: 'gradient-descent steps',
    get: (c) => c.train.steps,
  },
  {
    path: 'train.log_every',
    column: 'log_every',
    kind: 'int32',
    nullable: false,
    sweepable: true,
    grouping: 'axis',
    get: (c) => c.train.logEvery,
  },
  {
    path: 'dataset.dim',
    column: 'dim',
    kind: 'int32',
    nullable: true,
    sweepable: true,
    grouping: 'axis',
    get: (c) => ('dim' in c.dataset ? c.dataset.dim : null),
  },
  {
    path: 'dataset.scale',
    column: 'scale',
    kind: 'float64',
    nullable: true,
    sweepable: true,
    grouping: 'axis',
    get: (c) => (c.dataset.kind === 'gaussian' ? c.dataset.scale : null),
  },
  {
    path: 'dataset.path',
    column: 'data_path',
    kind: 'dict',
    nullable: true,
    sweepable: true,
    grouping: 'axis',
    get: (c) => (c.dataset.kind === 'csv' ? c.dataset.path : null),
  },
  {
    path: 'dataset.target.freq',
    column: 'target_freq',
    kind: 'float64',
    nullable: true,
    sweepable: true,
    grouping: 'axis',
    get: (c) => (target(c).kind === 'sin' ? (target(c) as { freq: number }).freq : null),
  },
  {
    path: 'dataset.target.width',
    column: 'target_width',
    kind: 'int32',
    nullable: true,
    sweepable: true,
    grouping: 'axis',
    get: (c) => (target(c).kind === 'teacher' ? (target(c) as { width: number }).width : null),
  },
  {
    path: 'dataset.target.depth',
    column: 'target_depth',
    kind: 'int32',
    nullable: true,
    sweepable: true,
    grouping: 'axis',
    get: (c) => (target(c).kind === 'teacher' ? (target(c) as { depth: number }).depth : null),
  },
  {
    path: 'dataset.target.seed',
    column: 'target_seed',
    kind: 'int64',
    nullable: true,
    sweepable: true,
    grouping: 'axis',
    get: (c) => {
      const t = target(c);
      return t.kind === 'teacher' || t.kind === 'linear' ? t.seed : null;
    },
  },
] as const satisfies readonly Parameter[];

type Entry = (typeof PARAMETERS)[number];

/** A parameter's value type in a row: numbers or dictionary strings, `null` where nullable. */
type ValueOf<P extends Entry> =
  (P['kind'] extends 'dict' ? string : number) | (P['nullable'] extends true ? null : never);

/** The trial's parameters as columns, keyed by column name (the parameter columns of every per-trial table). */
export type TrialParams = { -readonly [P in Entry as P['column']]: ValueOf<P> };

/** The parameter columns' names, in order. */
export type ParameterColumn = Entry['column'];
export const PARAMETER_COLUMNS: readonly ParameterColumn[] = PARAMETERS.map((p) => p.column);

/** The parameter's row of a resolved config. */
export function trialParamsOf(config: SweepConfig): TrialParams {
  const out: Record<string, number | string | null> = {};
  for (const p of PARAMETERS as readonly Parameter[]) out[p.column] = p.get(config);
  return out as TrialParams;
}

/** Every field a grid axis may set (dotted YAML paths), in column order. */
export const SWEEPABLE_PATHS: readonly string[] = PARAMETERS.filter((p) => p.sweepable).map((p) => p.path);

/** Short grid axis names and the fields they set. */
export const SHORT_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  (PARAMETERS as readonly Parameter[]).filter((p) => p.short !== undefined).map((p) => [p.short!, p.path]),
);

/** The names (without `--`) of the command-line flags that set a field. */
export type ParameterFlag = Extract<Entry, { flag: string }>['column'];

/** The command-line flags that set a field: flag name, the field, its help. */
export const PARAMETER_FLAGS: readonly { flag: ParameterFlag; path: string; help: string }[] = (
  PARAMETERS as readonly Parameter[]
)
  .filter((p) => p.flag !== undefined)
  .map((p) => ({ flag: p.column as ParameterFlag, path: p.path, help: p.flag! }));

/** The parameters that may form a group axis, in column order. */
export const GROUP_PARAMETERS: readonly Parameter[] = PARAMETERS.filter((p) => p.grouping === 'axis');

/** The YAML paths that vary within a group of a width study (width, seed). */
export const WITHIN_GROUP_PATHS: ReadonlySet<string> = new Set(
  PARAMETERS.filter((p) => p.grouping === 'within').map((p) => p.path),
);

/** The parameter a YAML path names, if any. */
export function parameterAt(path: string): Parameter | undefined {
  return (PARAMETERS as readonly Parameter[]).find((p) => p.path === path);
}
