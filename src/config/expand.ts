/**
 * Grid expansion: every point of a sweep's grid as a trial with its id (docs/design.md §6), in the grid's
 * order — the first axis varies slowest, as in nested loops written in the YAML's order.
 *
 * Fast for large grids: the config's top-level sections parse independently (src/config/schema.ts),
 * so each distinct value of a section (e.g. each (width, depth) of `model`) is parsed by the
 * schema once, each distinct combination of sections other than the weight seed is put together
 * and cross-checked once, and a point costs one string join and one SHA-256. The ids are exactly
 * `trialIdOf(resolvePoint(loaded, point))` (test/unit/config/trial-ids.test.ts checks it point by point).
 */
import { ConfigError, type ConfigProblem } from '../errors.js';
import { describe } from './describe.js';
import { idOfParams, joinParams, paramFragments } from './ids.js';
import { dedupeProblems, resolveTrial, setPath, type Assignment, type LoadedConfig } from './loader.js';
import { formatPath, locate } from './locations.js';
import { crossCheck, fillDefaultKinds, finishSections, makeSectionSchemas, type ParsedSections } from './schema.js';
import type { GridAxis, GridValue, SweepConfig } from './types.js';

/** One point of the grid. */
export interface TrialPoint {
  /** Position in the grid's order, from 0. */
  index: number;
  /** {@link trialIdOf} of the resolved point. */
  trialId: string;
  /** One per axis, in the axes' order (shared, frozen objects: do not mutate). */
  assignments: readonly Assignment[];
  /** Axis name as written in the YAML (`width`, `model.activation`) → value. */
  params: Record<string, GridValue>;
}

/** Grids with more trials than this need `yes` (the CLI's `--yes`): a typo is likelier than a plan. */
export const MAX_TRIALS_WITHOUT_YES = 100_000;
/** Grids with more trials than this are refused even with `yes` (their trial list alone would fill memory). */
export const MAX_TRIALS = 2_000_000;

/** The number of trials of the grid (1 when there is no grid). */
export function trialCount(loaded: LoadedConfig): number {
  return loaded.config.grid.reduce((n, a) => n * a.values.length, 1);
}

/**
 * The config of one grid point, checked by the schema (the same as `resolveTrial` with its
 * assignments). Throws {@link ConfigError} located at the grid when the combination is invalid.
 */
export function resolvePoint(loaded: LoadedConfig, point: Pick<TrialPoint, 'assignments'>): SweepConfig {
  return resolveTrial(loaded, point.assignments);
}

/** Where a value of an axis is written: its list item, or its range. */
export function valuePlace(loaded: LoadedConfig, axis: GridAxis, i: number): (string | number)[] {
  const spec = (loaded.raw.grid as Record<string, unknown>)[axis.name];
  return Array.isArray(spec) ? ['grid', axis.name, i] : ['grid', axis.name, 'range'];
}

function gridProblem(loaded: LoadedConfig, at: (string | number)[], message: string, target?: 'key'): ConfigProblem {
  return { file: loaded.file, ...locate(loaded.parsed, at, target), path: formatPath(at.slice(0, 2)), message };
}

const sizeText = (axes: readonly GridAxis[]): string => axes.map((a) => `${a.name} ${a.values.length}`).join(' × ');

/**
 * Every trial of the sweep, in the grid's order (an empty grid is one trial).
 * Throws {@link ConfigError} when the grid has more than {@link MAX_TRIALS_WITHOUT_YES} trials and
 * `yes` is not set (located at `grid`), when a combination of values is invalid, or when two points
 * are the same trial (e.g. two paths to one file), located at the axis value that repeats.
 *
 * @example
 * const points = expandGrid(loadConfig('configs/quickstart.yaml')); // 30 points
 * points[0].params; // { width: 64, depth: 1, seed: 0 }
 */
export function expandGrid(loaded: LoadedConfig, opts: { yes?: boolean } = {}): TrialPoint[] {
  const axes = loaded.config.grid;
  const count = trialCount(loaded);
  if (count > MAX_TRIALS) {
    throw new ConfigError([
      gridProblem(
        loaded,
        ['grid'],
        `the grid has ${count} trials (${sizeText(axes)}); at most ${MAX_TRIALS} are supported, even with --yes`,
        'key',
      ),
    ]);
  }
  if (count > MAX_TRIALS_WITHOUT_YES && !opts.yes) {
    throw new ConfigError([
      gridProblem(
        loaded,
        ['grid'],
        `the grid has ${count} trials (${sizeText(axes)}), more than ${MAX_TRIALS_WITHOUT_YES}; pass --yes if you mean it`,
        'key',
      ),
    ]);
  }

  const resolver = makePointResolver(loaded);
  const shared = axes.map((a) => a.values.map((value) => Object.freeze({ path: a.path, value })));
  const points: TrialPoint[] = new Array(count);
  const firstWith = new Map<string, number>();
  const failures: ConfigProblem[] = [];
  const duplicates = new Map<string, ConfigProblem>();
  const idx = new Array<number>(axes.length).fill(0);
  const decode = (index: number): number[] => {
    const out = new Array<number>(axes.length);
    for (let k = axes.length - 1; k >= 0; k--) {
      out[k] = index % axes[k].values.length;
      index = Math.floor(index / axes[k].values.length);
    }
    return out;
  };

  for (let index = 0; index < count; index++) {
    const assignments = axes.map((_, k) => shared[k][idx[k]]);
    const canonical = resolver.canonical(idx);
    if (canonical === undefined) {
      if (failures.length < 50) failures.push(...explainFailure(loaded, assignments));
    } else {
      const trialId = idOfParams(canonical);
      const params: Record<string, GridValue> = {};
      for (let k = 0; k < axes.length; k++) params[axes[k].name] = axes[k].values[idx[k]];
      points[index] = { index, trialId, assignments, params };
      const before = firstWith.get(trialId);
      if (before === undefined) firstWith.set(trialId, index);
      else {
        const earlier = decode(before);
        if (resolver.canonical(earlier) !== canonical) {
          throw new Error(`trial id collision: points ${before} and ${index} differ but share the id ${trialId}`);
        }
        const p = duplicateProblem(loaded, earlier, idx, trialId);
        if (!duplicates.has(p.message)) duplicates.set(p.message, p);
      }
    }
    for (let k = axes.length - 1; k >= 0; k--) {
      if (++idx[k] < axes[k].values.length) break;
      idx[k] = 0;
    }
  }
  const problems = [...dedupeProblems(failures), ...duplicates.values()];
  if (problems.length > 0) throw new ConfigError(problems.sort((a, b) => a.line - b.line || a.column - b.column));
  return points;
}

/** The located problems of a point that does not resolve (the schema's own words, via resolveTrial). */
function explainFailure(loaded: LoadedConfig, assignments: readonly Assignment[]): ConfigProblem[] {
  try {
    resolveTrial(loaded, assignments);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expandGrid: a grid point failed the sectioned check but resolves; the two checks disagree');
}

function duplicateProblem(loaded: LoadedConfig, earlier: number[], later: number[], id: string): ConfigProblem {
  const axes = loaded.config.grid;
  const differ = axes.map((_, k) => k).filter((k) => earlier[k] !== later[k]);
  const what = (k: number, i: number): string => describe(axes[k].values[i]);
  if (differ.length === 1) {
    const k = differ[0];
    return gridProblem(
      loaded,
      valuePlace(loaded, axes[k], later[k]),
      `the values ${what(k, earlier[k])} and ${what(k, later[k])} give the same trials ` +
        `(the same resolved parameters); list each value once`,
    );
  }
  const pairs = differ.map((k) => `${axes[k].name} ${what(k, earlier[k])} vs ${what(k, later[k])}`).join(', ');
  return gridProblem(
    loaded,
    ['grid'],
    `two grid points are the same trial ${id} (the same resolved parameters): ${pairs}`,
    'key',
  );
}

type Raw = Record<string, unknown>;
type SectionName = keyof ReturnType<typeof makeSectionSchemas>;
/** Sections a trial's parameters come from (name, grid and output do not enter a trial). */
const SECTIONS = ['seed', 'dataset', 'model', 'train', 'ntk', 'execution'] as const satisfies readonly SectionName[];

interface Section {
  name: (typeof SECTIONS)[number];
  /** Indices of the axes that set a field in this section, and their strides in the section's index. */
  axes: number[];
  strides: number[];
  /** Parsed value per section index; null when the schema refused it. */
  parsed: (unknown | null | undefined)[];
}

/**
 * Canonical parameters of grid points given as value indices, by sections (see the module
 * comment); undefined for a point whose config the schema refuses.
 */
function makePointResolver(loaded: LoadedConfig): { canonical(idx: readonly number[]): string | undefined } {
  const axes = loaded.config.grid;
  const schemas = makeSectionSchemas(loaded.dir);
  const base = structuredClone(loaded.raw);
  delete base.grid;
  for (const a of axes) setPath(base, a.path.split('.'), a.values[0]);
  fillDefaultKinds(base);

  const sections: Section[] = SECTIONS.map((name) => {
    const mine = axes.map((a, k) => [a, k] as const).filter(([a]) => a.path.split('.')[0] === name);
    const strides: number[] = [];
    let size = 1;
    for (let j = mine.length - 1; j >= 0; j--) {
      strides[j] = size;
      size *= mine[j][0].values.length;
    }
    return { name, axes: mine.map(([, k]) => k), strides, parsed: new Array(size) };
  });

  const parseSection = (s: Section, idx: readonly number[]): unknown => {
    let value: unknown = structuredClone(base[s.name]);
    for (const k of s.axes) {
      const tail = axes[k].path.split('.').slice(1);
      if (tail.length === 0) value = axes[k].values[idx[k]];
      else setPath(value as Raw, tail, axes[k].values[idx[k]]);
    }
    const r = schemas[s.name].safeParse(value);
    return r.success ? r.data : null;
  };

  const combos = new Map<string, [string, string, string, string] | null>();
  const seedFragments = new Map<number, string>();
  return {
    canonical(idx) {
      const at: number[] = [];
      const values: Record<string, unknown> = {};
      for (const s of sections) {
        let i = 0;
        for (let j = 0; j < s.axes.length; j++) i += idx[s.axes[j]] * s.strides[j];
        let v = s.parsed[i];
        if (v === undefined) v = s.parsed[i] = parseSection(s, idx);
        if (v === null) return undefined;
        at.push(i);
        values[s.name] = v;
      }
      // Everything but the weight seed (sections[0]): finishSections and crossCheck do not read it.
      const key = at.slice(1).join(',');
      let rest = combos.get(key);
      if (rest === undefined) {
        const c = finishSections(values as unknown as ParsedSections);
        rest =
          crossCheck(c).length > 0
            ? null
            : [
                paramFragments.dataset(c.dataset),
                paramFragments.model(c.model),
                paramFragments.train(c.train),
                paramFragments.ntk(c.ntk),
              ];
        combos.set(key, rest);
      }
      if (rest === null) return undefined;
      const seed = values.seed as number;
      let seedFragment = seedFragments.get(seed);
      if (seedFragment === undefined) seedFragments.set(seed, (seedFragment = paramFragments.seed(seed)));
      const [dataset, model, train, ntk] = rest;
      return joinParams({ seed: seedFragment, dataset, model, train, ntk });
    },
  };
}
