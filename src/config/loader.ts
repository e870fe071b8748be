/**
 * Loading a sweep config (docs/design.md §6): YAML with positions, the schema, the grid, and every
 * problem at once as a {@link ConfigError} whose problems carry file:line:column, the field path,
 * what was expected and what was found.
 *
 * The loaded config is the "first trial": each gridded field holds its axis's first value.
 * {@link resolveTrial} gives the config of any other point of the grid (or of command-line
 * overrides), checked the same way.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, formatProblem, type ConfigProblem, OverrideError } from '../errors.js';
import { describe } from './describe.js';
import { GRID_FIELDS, gridFieldOf, parseGrid } from './grid.js';
import { issuesToProblems, type PathProblem } from './issues.js';
import { formatPath, hasPath, locate, parseYaml, type ParsedYaml } from './locations.js';
import { checkTrialSizes } from './size-limits.js';
import { fillDefaultKinds, makeConfigSchema, MAX_NAME_LENGTH, type ConfigSchema } from './schema.js';
import type { GridAxis, GridValue, SweepConfig } from './types.js';

type Segment = string | number;
type Raw = Record<string, unknown>;

export interface LoadedConfig {
  /** The config file as given (the name problems are reported under). */
  file: string;
  /** Absolute folder of the config file: relative data paths start here. */
  dir: string;
  /** The config with every gridded field at its axis's first value. */
  config: SweepConfig;
  /** The YAML as plain JavaScript (snake_case, grid included), for hashing and manifests. */
  raw: Raw;
  /** The YAML with positions (for locating problems found later). */
  parsed: ParsedYaml;
}

/** A value for one field, from a grid point or a command-line flag. */
export interface Assignment {
  /** A field a grid axis may set (dotted YAML path, e.g. `model.width`, `seed`). */
  path: string;
  value: GridValue;
  /** Where it came from when not the config file, e.g. `--width`: problems are reported under it. */
  origin?: string;
}

const isPlainObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads and checks a config file, its largest trial included (./size-limits.ts). Throws
 * {@link ConfigError} listing every problem.
 *
 * @example
 * const { config, dir } = loadConfig('configs/quickstart.yaml');
 * config.grid.map((a) => a.name); // ['width', 'depth', 'seed']
 */
export function loadConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message: `cannot read the config: ${why}` }]);
  }
  const loaded = parseConfig(text, file, path.dirname(path.resolve(file)));
  checkTrialSizes(loaded);
  return loaded;
}

/** {@link loadConfig} on YAML text; `file` names it in problems, `dir` anchors relative paths. */
export function parseConfig(text: string, file: string, dir = process.cwd()): LoadedConfig {
  const parsed = parseYaml(text);
  const toProblem = (p: PathProblem): ConfigProblem => ({
    file,
    ...locate(parsed, p.path, p.at),
    path: formatPath(p.path),
    message: p.message,
  });
  if (parsed.problems.length > 0) {
    throw new ConfigError(sortProblems(parsed.problems.map((p) => ({ file, ...p, path: '' }))));
  }
  const raw = parsed.value;
  if (!isPlainObject(raw)) {
    const message =
      raw === null || raw === undefined
        ? 'the config is empty; expected a mapping with dataset, model, grid, train, …'
        : `expected a mapping with dataset, model, grid, train, …, found ${describe(raw)}`;
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message }]);
  }

  const schema = makeConfigSchema(dir);
  const problems: ConfigProblem[] = [];
  const grid = parseGrid(raw.grid);
  for (const p of grid.problems) problems.push(toProblem({ ...p, path: ['grid', ...p.path] }));

  const base = structuredClone(raw);
  delete base.grid;
  const axes: GridAxis[] = [];
  for (const axis of grid.axes) {
    const p = axis.path.split('.');
    if (hasPath(base, p)) {
      problems.push(
        toProblem({ path: p, at: 'key', message: `also set by the grid axis '${axis.name}'; give it in one place` }),
      );
      continue;
    }
    if (setPath(base, p, axis.values[0])) axes.push(axis);
  }
  fillDefaultKinds(base);

  // Located at the grid value that put it there when a problem lies in a gridded field.
  const gridPlace = (axis: GridAxis, index: number): Segment[] => {
    const spec = (raw.grid as Raw)[axis.name];
    return Array.isArray(spec) ? ['grid', axis.name, index] : ['grid', axis.name, 'range'];
  };
  const axisOf = (p: readonly Segment[]): GridAxis | undefined => axes.find((a) => startsWith(p, a.path.split('.')));
  const place = (p: PathProblem, index = 0): ConfigProblem => {
    const axis = axisOf(p.path);
    if (!axis) return toProblem(p);
    const at = gridPlace(axis, index);
    return { file, ...locate(parsed, at), path: `grid.${axis.name}`, message: p.message };
  };

  // A field with a grid axis that is malformed is not also "missing": that would be the same mistake twice.
  const gridFields = new Set(isPlainObject(raw.grid) ? Object.keys(raw.grid).map(gridFieldOf) : []);
  const first = schema.safeParse(base);
  const relevant = (p: PathProblem): boolean => !(p.message.startsWith('missing') && gridFields.has(p.path.join('.')));
  const baseProblems = (first.success ? [] : issuesToProblems(schema, first.error.issues, base)).filter(relevant);
  for (const p of baseProblems) problems.push(place(p));
  const seen = new Set(baseProblems.map((p) => `${p.path.join('.')}\n${p.message}`));

  // Every other value of every axis, one at a time against the first values of the rest.
  for (const axis of axes) {
    const isRange = !Array.isArray((raw.grid as Raw)[axis.name]);
    for (let i = 1; i < axis.values.length; i++) {
      const trial = structuredClone(base);
      setPath(trial, axis.path.split('.'), axis.values[i]);
      const r = schema.safeParse(trial);
      if (r.success) continue;
      let found = false;
      for (const p of issuesToProblems(schema, r.error.issues, trial).filter(relevant)) {
        const key = `${p.path.join('.')}\n${p.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        found = true;
        if (axisOf(p.path) === axis) {
          problems.push(place(p, i));
        } else {
          const v = describe(axis.values[i]);
          problems.push(place({ ...p, message: `${p.message} (with grid.${axis.name} = ${v})` }));
        }
      }
      // One bad value of a range stands for the rest (a range of a million seeds is one mistake).
      if (found && isRange) break;
    }
  }

  if (problems.length > 0 || !first.success) throw new ConfigError(sortProblems(dedupeProblems(problems)));
  const name = first.data.name ?? defaultName(file);
  const config: SweepConfig = {
    ...first.data,
    name,
    grid: axes,
    output: first.data.output ?? `runs/${name}`,
  };
  return { file, dir, config, raw, parsed };
}

/**
 * The config of one point of the grid, or of the first point with command-line overrides:
 * each assignment replaces the field's value (a grid axis's first value included).
 * Throws {@link OverrideError} when an assignment with an `origin` is unusable (each line names
 * the origin, e.g. `--width: expected a positive integer, found -3`), else {@link ConfigError}.
 *
 * @example
 * resolveTrial(loaded, [{ path: 'model.width', value: 512, origin: '--width' }]).model.width; // 512
 */
export function resolveTrial(loaded: LoadedConfig, assignments: readonly Assignment[]): SweepConfig {
  const { raw, file, parsed } = loaded;
  const schema: ConfigSchema = makeConfigSchema(loaded.dir);
  const trial = structuredClone(raw);
  delete trial.grid;
  for (const axis of loaded.config.grid) setPath(trial, axis.path.split('.'), axis.values[0]);
  for (const a of assignments) {
    if (!GRID_FIELDS.includes(a.path))
      throw new RangeError(`resolveTrial: '${a.path}' is not a field a grid axis may set`);
    setPath(trial, a.path.split('.'), a.value);
  }
  fillDefaultKinds(trial);
  const r = schema.safeParse(trial);
  if (!r.success) {
    const problems = issuesToProblems(schema, r.error.issues, trial);
    const lines: string[] = [];
    const located: ConfigProblem[] = [];
    for (const p of problems) {
      const a = [...assignments].reverse().find((x) => startsWith(p.path, x.path.split('.')));
      if (a?.origin) {
        lines.push(`${a.origin}: ${formatPath(p.path)}: ${p.message}`);
      } else {
        // A gridded field (at its first value or at an assigned grid point) is located at its axis.
        const axis = loaded.config.grid.find((g) => startsWith(p.path, g.path.split('.')));
        const at = axis ? ['grid', axis.name] : p.path;
        // The loaded config passed on its own: a problem elsewhere comes from the flags' values (e.g. --steps below a snapshot).
        const flags = assignments
          .filter((x) => x.origin)
          .map((x) => `${x.origin} ${describe(x.value)}`)
          .join(', ');
        const msg = a
          ? `${p.message} (with ${a.path} = ${describe(a.value)})`
          : flags
            ? `${p.message} (with ${flags})`
            : p.message;
        located.push({ file, ...locate(parsed, at, axis ? 'value' : p.at), path: formatPath(p.path), message: msg });
      }
    }
    if (lines.length > 0) {
      throw new OverrideError([...lines, ...sortProblems(located).map(formatProblem)]);
    }
    throw new ConfigError(sortProblems(located));
  }
  return { ...r.data, name: loaded.config.name, grid: loaded.config.grid, output: loaded.config.output };
}

/** The config file's stem made into a valid name (`Quick Start.yaml` → `quick-start`). */
function defaultName(file: string): string {
  const stem = path.basename(file).replace(/\.[^.]*$/, '');
  const slug = stem
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, MAX_NAME_LENGTH).replace(/-+$/, '') || 'sweep';
}

function startsWith(p: readonly Segment[], prefix: readonly string[]): boolean {
  return prefix.every((s, i) => String(p[i]) === s);
}

/** Sets obj[path] = value, creating missing sections; false when a section on the way is not a mapping. */
export function setPath(obj: Raw, p: readonly string[], value: unknown): boolean {
  let cur: Raw = obj;
  for (const seg of p.slice(0, -1)) {
    if (cur[seg] === undefined || cur[seg] === null) cur[seg] = {};
    if (!isPlainObject(cur[seg])) return false;
    cur = cur[seg] as Raw;
  }
  cur[p[p.length - 1]] = value;
  return true;
}

function sortProblems(ps: ConfigProblem[]): ConfigProblem[] {
  return [...ps].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The problems with repeats (same place, same message) left out. */
export function dedupeProblems(ps: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = `${p.line}:${p.column}:${p.path}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
