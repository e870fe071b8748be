/**
 * The zod schema of a sweep config as written in YAML (snake_case), with its defaults, and the
 * transform to the camelCase {@link SweepConfig}. Every leaf carries the phrase that completes
 * "expected …" in a problem message, so the loader can say what was expected and what was found.
 * The `grid` section is checked separately (src/config/grid.ts): the schema sees the config with
 * each gridded field set to one of its values.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { BACKEND_NAMES } from '../backend/names.js';
import { ACTIVATIONS, PARAMETERIZATIONS } from '../model/spec.js';
import { fileSha256 } from './file-hash.js';
import type {
  DatasetConfig,
  ExecutionConfig,
  ModelConfig,
  NtkConfig,
  SweepConfig,
  TargetConfig,
  TrainConfig,
} from './types.js';

export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** σ_w² = 2, σ_b = 0.1: the reference setting of docs/design.md §3 and §5 (σ_w² = 2 keeps ReLU variances fixed). */
export const DEFAULT_W_STD = Math.SQRT2;
export const DEFAULT_B_STD = 0.1;

const phrase = (p: string) => ({ error: p });
const posInt = () => z.int(phrase('a positive integer')).positive(phrase('a positive integer'));
const nonNegInt = () => z.int(phrase('a non-negative integer')).nonnegative(phrase('a non-negative integer'));
/** Seeds are folded to 32 bits by the generator (src/rng.ts), so larger ones would collide. */
const seedInt = () =>
  z
    .int(phrase('a seed (an integer from 0 to 4294967295)'))
    .nonnegative(phrase('a seed (an integer from 0 to 4294967295)'))
    .max(2 ** 32 - 1, phrase('a seed (an integer from 0 to 4294967295)'));
const posNum = () => z.number(phrase('a positive number')).positive(phrase('a positive number'));
const nonNegNum = () => z.number(phrase('a number ≥ 0')).nonnegative(phrase('a number ≥ 0'));
const finite = () => z.number(phrase('a finite number'));
const bool = () => z.boolean(phrase('true or false'));
const nonEmptyString = () => z.string(phrase('a string')).min(1, phrase('a non-empty string'));

// ---- dataset ---------------------------------------------------------------------------------

const sinTarget = z.strictObject({ kind: z.literal('sin'), freq: finite().default(1) });
const teacherTarget = z.strictObject({
  kind: z.literal('teacher'),
  width: posInt().default(512),
  depth: posInt().default(1),
  seed: seedInt().optional(),
});
const linearTarget = z.strictObject({ kind: z.literal('linear'), seed: seedInt().optional() });
const productTarget = z.strictObject({ kind: z.literal('product') });
const columnTarget = z.strictObject({
  kind: z.literal('column'),
  column: z.union(
    [
      nonEmptyString(),
      z.array(nonEmptyString(), phrase('a column name or a list of them')).min(1, phrase('at least one column')),
    ],
    phrase('a column name or a list of them'),
  ),
});
const targetSchema = z.discriminatedUnion(
  'kind',
  [sinTarget, teacherTarget, linearTarget, productTarget, columnTarget],
  phrase('a target such as { kind: sin, freq: 3 } or { kind: column, column: y }'),
);
type RawTarget = z.output<typeof targetSchema>;

function targetToConfig(t: RawTarget, dataSeed: number): TargetConfig {
  switch (t.kind) {
    case 'sin':
      return { kind: 'sin', freq: t.freq };
    case 'teacher':
      return { kind: 'teacher', width: t.width, depth: t.depth, seed: t.seed ?? dataSeed };
    case 'linear':
      return { kind: 'linear', seed: t.seed ?? dataSeed };
    case 'product':
      return { kind: 'product' };
    case 'column':
      return { kind: 'column', columns: typeof t.column === 'string' ? [t.column] : t.column };
  }
}

const common = {
  n_train: posInt().default(64),
  n_test: nonNegInt().default(64),
  seed: seedInt().default(0),
};
const synthTarget = targetSchema.prefault({ kind: 'sin' });

function makeDatasetSchema(configDir: string) {
  // Checked on the field itself so that a missing file is reported even when siblings are wrong.
  // The file's SHA-256 goes into the trial id (src/config/ids.ts), so it is read here, once per path.
  const dataFile = nonEmptyString().transform((p, ctx) => {
    const abs = path.resolve(configDir, p);
    const fail = (message: string) => {
      ctx.issues.push({ code: 'custom', message, input: p });
      return z.NEVER;
    };
    if (!existsSync(abs)) return fail(`no such file: ${p} (looked for ${abs})`);
    if (!statSync(abs).isFile()) return fail(`not a file: ${p} (${abs})`);
    try {
      return { path: p, sha256: fileSha256(abs) };
    } catch (e) {
      return fail(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  });
  const csv = z
    .strictObject({
      kind: z.literal('csv'),
      ...common,
      path: dataFile,
      features: z
        .array(nonEmptyString(), phrase('a list of column names'))
        .min(1, phrase('at least one column'))
        .optional(),
      target: targetSchema,
    })
    .superRefine((d, ctx) => {
      if (d.features && new Set(d.features).size !== d.features.length) {
        ctx.addIssue({ code: 'custom', path: ['features'], message: 'a column is listed twice' });
      }
    });
  return z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('circle'), ...common, target: synthTarget }),
      z.strictObject({ kind: z.literal('sphere'), ...common, dim: posInt().default(3), target: synthTarget }),
      z.strictObject({
        kind: z.literal('gaussian'),
        ...common,
        dim: posInt().default(2),
        scale: posNum().default(1),
        target: synthTarget,
      }),
      csv,
    ])
    .transform((d): DatasetConfig => {
      const base = { nTrain: d.n_train, nTest: d.n_test, seed: d.seed, target: targetToConfig(d.target, d.seed) };
      switch (d.kind) {
        case 'circle':
          return { kind: 'circle', ...base };
        case 'sphere':
          return { kind: 'sphere', ...base, dim: d.dim };
        case 'gaussian':
          return { kind: 'gaussian', ...base, dim: d.dim, scale: d.scale };
        case 'csv':
          return {
            kind: 'csv',
            ...base,
            path: d.path.path,
            fileSha256: d.path.sha256,
            ...(d.features ? { features: d.features } : {}),
          };
      }
    });
}

// ---- model, train, ntk, execution ------------------------------------------------------------

const modelSchema = z
  .strictObject({
    width: posInt(),
    depth: posInt().default(1),
    activation: z.enum(ACTIVATIONS).default('relu'),
    parameterization: z.enum(PARAMETERIZATIONS).default('ntk'),
    w_std: posNum().default(DEFAULT_W_STD),
    b_std: nonNegNum().default(DEFAULT_B_STD),
    outputs: posInt().default(1),
  })
  .transform((m): ModelConfig => ({
    width: m.width,
    depth: m.depth,
    activation: m.activation,
    parameterization: m.parameterization,
    wStd: m.w_std,
    bStd: m.b_std,
    outputs: m.outputs,
  }));

const trainSchema = z
  .strictObject({
    lr: posNum().default(1),
    steps: nonNegInt().default(1000),
    log_every: posInt().default(10),
  })
  .transform((t): TrainConfig => ({ lr: t.lr, steps: t.steps, logEvery: t.log_every }));

const probeSchema = z.strictObject({ kind: z.literal('circle'), n: posInt().default(128) });

const ntkSchema = z.strictObject({
  snapshots: z
    .array(nonNegInt(), phrase('a list of steps'))
    .min(1, phrase('at least one step'))
    .superRefine((s, ctx) => {
      for (let i = 1; i < s.length; i++) {
        if (s[i] <= s[i - 1]) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `snapshot steps must increase; ${s[i]} follows ${s[i - 1]}`,
          });
        }
      }
    })
    .optional(),
  analytic: bool().default(true),
  predictions: bool().default(true),
  probe: probeSchema.optional(),
});

/** `30m`, `90s`, `2h`, `1.5h` or a number of seconds. */
const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/;
const DURATION_PHRASE = 'a duration such as 90s, 30m or 2h';
const durationSchema = z.union(
  [posNum(), z.string().regex(DURATION, phrase(DURATION_PHRASE))],
  phrase(DURATION_PHRASE),
);
function durationSeconds(d: number | string): number {
  if (typeof d === 'number') return d;
  const m = DURATION.exec(d)!;
  return Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
}

const executionSchema = z
  .strictObject({
    backend: z.enum(BACKEND_NAMES as [string, ...string[]]).default('auto'),
    max_parallel: posInt().default(4),
    retries: nonNegInt().default(3),
    trial_timeout: durationSchema.default('30m'),
  })
  .transform((e): ExecutionConfig => ({
    backend: e.backend as ExecutionConfig['backend'],
    maxParallel: e.max_parallel,
    retries: e.retries,
    trialTimeoutS: durationSeconds(e.trial_timeout),
  }));

// ---- name and output -----------------------------------------------------------------------

/** Longest name: it becomes a folder name and, with 9 more characters, the sweep id. */
export const MAX_NAME_LENGTH = 64;
const NAME_PHRASE = 'a name of lower-case letters, digits and dashes';
const nameSchema = z.string(phrase(NAME_PHRASE)).superRefine((s, ctx) => {
  const found = `expected ${NAME_PHRASE}, found '${s}'`;
  if (/[/\\]|\.\./.test(s)) {
    ctx.addIssue({
      code: 'custom',
      message: `${found}: a name may not hold '/', '\\' or '..' (it names the run folder)`,
    });
  } else if (!NAME_PATTERN.test(s)) {
    ctx.addIssue({ code: 'custom', message: found });
  } else if (s.length > MAX_NAME_LENGTH) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a name of at most ${MAX_NAME_LENGTH} characters, found ${s.length}`,
    });
  }
});

/** The run folder: any path the user chooses (relative to the working folder), but a usable one. */
const outputSchema = nonEmptyString().superRefine((s, ctx) => {
  if (s.includes('\0')) {
    ctx.addIssue({ code: 'custom', message: 'expected a path without NUL characters' });
    return;
  }
  // The nearest existing path on the way must be a folder: a file there could never hold the run.
  let p = path.resolve(s);
  while (!existsSync(p) && path.dirname(p) !== p) p = path.dirname(p);
  if (existsSync(p) && !statSync(p).isDirectory()) {
    const where = p === path.resolve(s) ? `${p} is a file` : `${p}, on the way to it, is a file`;
    ctx.addIssue({ code: 'custom', message: `expected a folder for the run's tables, but ${where}` });
  }
});

// ---- the whole file --------------------------------------------------------------------------

/** The input dimension a dataset config implies, if known without reading files. */
function inputDim(d: DatasetConfig): number | undefined {
  switch (d.kind) {
    case 'circle':
      return 2;
    case 'sphere':
    case 'gaussian':
      return d.dim;
    case 'csv':
      return d.features?.length;
  }
}

/** The config's sections as parsed, before they are put together. */
export type ParsedSections = Omit<SweepConfig, 'grid' | 'name' | 'output' | 'ntk'> & {
  name?: string | undefined;
  output?: string | undefined;
  ntk: z.output<typeof ntkSchema>;
};

/** The config without name, grid and output (which the loader fills in), sections put together. */
export type FinishedSections = Omit<SweepConfig, 'grid' | 'name' | 'output'> & {
  name: string | undefined;
  output: string | undefined;
};

/** A problem found across sections, at a YAML path. */
export interface CrossProblem {
  path: (string | number)[];
  message: string;
}

/** Checks that involve more than one section (paths are YAML paths). */
export function crossCheck(c: Omit<SweepConfig, 'grid' | 'name' | 'output'>): CrossProblem[] {
  const out: CrossProblem[] = [];
  const t = c.dataset.target;
  const dim = inputDim(c.dataset);
  const issue = (p: (string | number)[], message: string): void => void out.push({ path: p, message });
  if (t.kind === 'column' && c.dataset.kind !== 'csv') {
    issue(['dataset', 'target', 'kind'], `a column target needs a csv dataset, and dataset.kind is ${c.dataset.kind}`);
  }
  if ((t.kind === 'sin' || t.kind === 'product') && dim !== undefined && dim < 2) {
    issue(['dataset', 'target', 'kind'], `the ${t.kind} target uses x₁ and x₂, but the inputs have dimension ${dim}`);
  }
  if (t.kind === 'product' && c.model.outputs !== 1) {
    issue(['model', 'outputs'], `the product target has one output; expected 1, found ${c.model.outputs}`);
  }
  if (t.kind === 'column' && t.columns.length !== c.model.outputs) {
    issue(
      ['dataset', 'target', 'column'],
      `expected one column per model output (${c.model.outputs}), found ${t.columns.length}`,
    );
  }
  // Explicit snapshots only (the default is [0, steps]); one problem per step past the end.
  c.ntk.snapshots.forEach((step, i) => {
    if (step > c.train.steps) {
      issue(
        ['ntk', 'snapshots', i],
        `expected a step from 0 to train.steps (${c.train.steps}), found ${step}: training never reaches it`,
      );
    }
  });
  if (c.ntk.probe && dim !== undefined && dim !== 2) {
    issue(['ntk', 'probe', 'kind'], `circle probe points are 2-dimensional, but the inputs have dimension ${dim}`);
  }
  return out;
}

/** Puts the parsed sections together: the defaults that depend on another section (snapshots on train.steps). */
export function finishSections(c: ParsedSections): FinishedSections {
  const ntk: NtkConfig = {
    snapshots: c.ntk.snapshots ?? (c.train.steps > 0 ? [0, c.train.steps] : [0]),
    analytic: c.ntk.analytic,
    predictions: c.ntk.predictions,
    ...(c.ntk.probe ? { probe: c.ntk.probe } : {}),
  };
  return {
    name: c.name,
    output: c.output,
    seed: c.seed,
    dataset: c.dataset,
    model: c.model,
    train: c.train,
    ntk,
    execution: c.execution,
  };
}

/**
 * The schema of each top-level section of a config whose relative paths are resolved against
 * `configDir` (absent sections take their defaults). Sections parse independently of one
 * another, which lets grid expansion (src/config/expand.ts) parse each distinct section once.
 */
export function makeSectionSchemas(configDir: string) {
  return {
    name: nameSchema.optional(),
    seed: seedInt().default(0),
    dataset: makeDatasetSchema(configDir).prefault({ kind: 'circle' }),
    // Parsed when absent, so a missing width is reported as model.width.
    model: modelSchema.prefault({} as z.input<typeof modelSchema>),
    grid: z.unknown().optional(),
    train: trainSchema.prefault({}),
    ntk: ntkSchema.prefault({}),
    execution: executionSchema.prefault({}),
    output: outputSchema.optional(),
  };
}

/**
 * The schema of a config (grid removed) whose relative paths are resolved against `configDir`.
 * Parses to everything but `name`, `grid` and `output`, which the loader fills in.
 */
export function makeConfigSchema(configDir: string) {
  let schema = configSchemas.get(configDir);
  if (!schema) {
    // Building the schema costs about as much as a hundred parses; resolving every trial of a sweep reuses it.
    if (configSchemas.size >= 64) configSchemas.clear();
    schema = buildConfigSchema(configDir);
    configSchemas.set(configDir, schema);
  }
  return schema;
}

const configSchemas = new Map<string, ReturnType<typeof buildConfigSchema>>();

function buildConfigSchema(configDir: string) {
  return z
    .strictObject(makeSectionSchemas(configDir))
    .transform(finishSections)
    .superRefine((c, ctx) => {
      for (const p of crossCheck(c)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
    });
}

export type ConfigSchema = ReturnType<typeof makeConfigSchema>;

/**
 * Fills in the kinds of a dataset and target section written without one (circle, sin), in place:
 * the discriminated unions need a kind before they can apply the other defaults, and a grid axis
 * such as `dataset.target.freq` may create those sections.
 */
export function fillDefaultKinds(raw: Record<string, unknown>): void {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const ds = raw.dataset;
  if (!isObj(ds)) return;
  if (ds.kind === undefined) ds.kind = 'circle';
  if (isObj(ds.target) && ds.target.kind === undefined && ds.kind !== 'csv') ds.target.kind = 'sin';
}
