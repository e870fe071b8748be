/**
 * The `grid` section of a sweep config: axis → list of values or `{ range: [start, stop, step] }`.
 * An axis names a scalar field, by a short name (`width`, `depth`, `lr`, `seed`) or by its dotted
 * YAML path (`model.activation`, `dataset.n_train`). This module checks the form of the section and
 * expands ranges; whether each value suits its field is checked by the loader against the schema.
 */
import { describe } from './describe.js';
import { suggest } from './did-you-mean.js';
import { SHORT_NAMES, SWEEPABLE_PATHS } from './parameters.js';
import type { GridAxis, GridValue } from './types.js';

/** Short axis names and the fields they set (./parameters.ts). */
export const GRID_SHORT_NAMES: Readonly<Record<string, string>> = SHORT_NAMES;

/** Every field a grid axis may set (dotted YAML paths, ./parameters.ts). Kinds are not sweepable: they change the shape of a section. */
export const GRID_FIELDS: readonly string[] = SWEEPABLE_PATHS;

/** Ranges longer than this are refused (a typo such as a missing step, not a sweep). */
export const MAX_RANGE_VALUES = 100_000;

/** A problem found in the grid section, at a YAML path (`key`: point at the mapping key). */
export interface GridProblem {
  path: (string | number)[];
  message: string;
  at?: 'key' | 'value';
}

export interface ParsedGrid {
  axes: GridAxis[];
  problems: GridProblem[];
}

/** The field an axis name sets, or undefined when it names none. */
export function gridFieldOf(axis: string): string | undefined {
  // Own keys only: `constructor` or `__proto__` must not find Object.prototype's members.
  if (Object.hasOwn(GRID_SHORT_NAMES, axis)) return GRID_SHORT_NAMES[axis];
  return GRID_FIELDS.includes(axis) ? axis : undefined;
}

function unknownAxisMessage(axis: string): string {
  if (/(^|\.)kind$/.test(axis)) {
    return `'${axis}' cannot be a grid axis: a kind changes the shape of its section (write one config per kind)`;
  }
  if (/^execution(\.|$)/.test(axis)) {
    return `'${axis}' cannot be a grid axis: execution settings do not change a trial's results`;
  }
  const names = [...Object.keys(GRID_SHORT_NAMES), ...GRID_FIELDS];
  const bySuffix = GRID_FIELDS.filter((f) => f.endsWith(`.${axis}`));
  const hint = bySuffix.length === 1 ? bySuffix[0] : suggest(axis, names);
  return (
    `unknown grid axis '${axis}'${hint ? ` (did you mean '${hint}'?)` : ''}; ` +
    `expected a short name (${Object.keys(GRID_SHORT_NAMES).join(', ')}) or a field path such as model.activation`
  );
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function isScalar(v: unknown): v is GridValue {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
}

/** Rounds away the binary noise of start + i·step (0.1 + 2·0.1 → 0.3). */
const tidy = (x: number): number => Number(x.toPrecision(12));

function expandRange(axis: string, spec: unknown, problems: GridProblem[]): GridValue[] | undefined {
  const at = [axis, 'range'];
  if (!Array.isArray(spec) || spec.length < 2 || spec.length > 3) {
    problems.push({ path: at, message: 'expected [start, stop] or [start, stop, step]' });
    return undefined;
  }
  let ok = true;
  spec.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      problems.push({ path: [...at, i], message: `expected a finite number, found ${describe(v)}` });
      ok = false;
    }
  });
  if (!ok) return undefined;
  const [start, stop, step = 1] = spec as number[];
  if (step === 0) {
    problems.push({ path: [...at, 2], message: 'expected a non-zero step, found 0' });
    return undefined;
  }
  // Stop is exclusive, as in Python's range: [0, 8] is 0 … 7.
  const count = Math.ceil(tidy((stop - start) / step));
  if (count <= 0) {
    problems.push({ path: at, message: `the range [${spec.join(', ')}] is empty (the stop is exclusive)` });
    return undefined;
  }
  if (count > MAX_RANGE_VALUES) {
    problems.push({ path: at, message: `the range has ${count} values; at most ${MAX_RANGE_VALUES} are allowed` });
    return undefined;
  }
  return Array.from({ length: count }, (_, i) => tidy(start + i * step));
}

/**
 * Checks the grid section's form and expands it into axes (values not yet checked against their
 * fields). A missing or null section is an empty grid.
 */
export function parseGrid(grid: unknown): ParsedGrid {
  const problems: GridProblem[] = [];
  const axes: GridAxis[] = [];
  if (grid === undefined || grid === null) return { axes, problems };
  if (!isPlainObject(grid)) {
    problems.push({
      path: [],
      message: 'expected a mapping of axis → list of values or { range: [start, stop, step] }',
    });
    return { axes, problems };
  }
  const seen = new Map<string, string>();
  for (const [axis, spec] of Object.entries(grid)) {
    const field = gridFieldOf(axis);
    if (field === undefined) {
      problems.push({ path: [axis], message: unknownAxisMessage(axis), at: 'key' });
      continue;
    }
    const before = seen.get(field);
    if (before !== undefined) {
      problems.push({ path: [axis], message: `sets ${field}, as the axis '${before}' already does`, at: 'key' });
      continue;
    }
    seen.set(field, axis);
    let values: GridValue[] | undefined;
    if (Array.isArray(spec)) {
      if (spec.length === 0) {
        problems.push({ path: [axis], message: 'expected at least one value, found an empty list' });
        continue;
      }
      values = [];
      const firstAt = new Map<GridValue, number>();
      spec.forEach((v: unknown, i) => {
        if (!isScalar(v)) {
          problems.push({ path: [axis, i], message: `expected a number, string or boolean, found ${describe(v)}` });
        } else if (firstAt.has(v)) {
          problems.push({
            path: [axis, i],
            message: `the value ${describe(v)} is already item ${firstAt.get(v)! + 1}`,
          });
        } else {
          firstAt.set(v, i);
          values!.push(v);
        }
      });
      if (values.length !== spec.length) continue;
    } else if (isPlainObject(spec) && 'range' in spec) {
      const extra = Object.keys(spec).filter((k) => k !== 'range');
      for (const k of extra)
        problems.push({ path: [axis, k], message: `unknown field '${k}' (expected only range)`, at: 'key' });
      values = expandRange(axis, spec.range, problems);
      if (!values || extra.length > 0) continue;
    } else {
      problems.push({
        path: [axis],
        message: `expected a list of values or { range: [start, stop, step] }, found ${describe(spec)}`,
      });
      continue;
    }
    axes.push({ name: axis, path: field, values });
  }
  return { axes, problems };
}
