/**
 * The parameter table (src/config/parameters.ts) against what it stands for: each entry's getter
 * reads the field its YAML path names, every sweepable field is a grid axis, and the parameter
 * columns fit beside every table's own columns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalParams, expandGrid, parseConfig, resolvePoint } from '../../../src/config/index.js';
import { PARAM_PATHS } from '../../../src/aggregate/group-axes.js';
import { gridFieldOf, parseGrid } from '../../../src/config/grid.js';
import {
  PARAMETERS,
  PARAMETER_COLUMNS,
  PARAMETER_FLAGS,
  trialParamsOf,
  type Parameter,
} from '../../../src/config/parameters.js';
import {
  CURVE_COLUMNS,
  KERNEL_COLUMNS,
  MODE_COLUMNS,
  PREDICTION_COLUMNS,
  SPECTRUM_COLUMNS,
  TABLE_COLUMNS,
} from '../../../src/tables/schemas.js';

/** Configs that between them give every parameter a value. */
const CONFIGS = [
  'model: { width: 8 }\n',
  'model: { width: 8, depth: 3, activation: erf, parameterization: standard, w_std: 1.5, b_std: 0.2 }\n' +
    'dataset: { kind: gaussian, dim: 3, scale: 2, seed: 5, n_train: 10, n_test: 4, target: { kind: teacher, width: 16, depth: 2, seed: 9 } }\n' +
    'train: { lr: 0.25, steps: 7, log_every: 7 }\nseed: 11\n',
  'model: { width: 8, outputs: 2 }\ndataset: { kind: sphere, dim: 4, target: { kind: linear, seed: 3 } }\n',
].map((text) => parseConfig(text, 'x.yaml', '.').config);

const at = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);

test("each parameter's getter reads the field its YAML path names in the trial's canonical parameters", () => {
  const seen = new Set<string>();
  for (const config of CONFIGS) {
    const canonical = JSON.parse(canonicalParams(config)) as unknown;
    const row = trialParamsOf(config) as Record<string, unknown>;
    for (const p of PARAMETERS as readonly Parameter[]) {
      // A csv path is hashed by content, not kept in the canonical parameters (src/config/ids.ts).
      if (p.path === 'dataset.path') continue;
      const value = at(canonical, p.path);
      assert.deepEqual(row[p.column], value === undefined ? null : value, `${p.column} ← ${p.path}`);
      if (value === undefined) assert.ok(p.nullable, `${p.column} is null for some config, so it must be nullable`);
      else seen.add(p.column);
    }
  }
  const unchecked = PARAMETERS.filter((p) => p.path !== 'dataset.path' && !seen.has(p.column)).map((p) => p.column);
  assert.deepEqual(unchecked, [], 'every parameter had a value in some config');
});

test('every sweepable parameter is a grid axis by its path (and its short name), and kinds are not', () => {
  for (const p of PARAMETERS as readonly Parameter[]) {
    assert.equal(gridFieldOf(p.path), p.sweepable ? p.path : undefined, p.path);
    if (p.short) assert.equal(gridFieldOf(p.short), p.path);
  }
  const { axes, problems } = parseGrid({ width: [8, 16], 'dataset.target.freq': { range: [1, 3] } });
  assert.deepEqual(problems, []);
  assert.deepEqual(
    axes.map((a) => a.path),
    ['model.width', 'dataset.target.freq'],
  );
});

test('parameter columns are unique, and no table has a column of its own by a parameter name', () => {
  assert.equal(new Set(PARAMETER_COLUMNS).size, PARAMETER_COLUMNS.length);
  for (const own of [CURVE_COLUMNS, KERNEL_COLUMNS, PREDICTION_COLUMNS, SPECTRUM_COLUMNS, MODE_COLUMNS]) {
    const clash = Object.keys(own).filter((c) => (PARAMETER_COLUMNS as readonly string[]).includes(c));
    assert.deepEqual(clash, []);
  }
  const trialColumns = Object.keys(TABLE_COLUMNS.trials);
  for (const c of PARAMETER_COLUMNS) assert.ok(trialColumns.includes(c), c);
});

test('the field flags are the parameters with help, named by their column', () => {
  assert.deepEqual(
    PARAMETER_FLAGS.map((f) => [f.flag, f.path]),
    [
      ['width', 'model.width'],
      ['depth', 'model.depth'],
      ['lr', 'train.lr'],
      ['seed', 'seed'],
      ['steps', 'train.steps'],
    ],
  );
});

test('dataset.scale is sweepable, a column of every per-trial table and a group axis of the report', () => {
  const loaded = parseConfig(
    'dataset: { kind: gaussian }\ngrid: { width: [8, 16], dataset.scale: [0.5, 2] }\n',
    'x.yaml',
    '.',
  );
  assert.deepEqual(
    loaded.config.grid.map((a) => a.path),
    ['model.width', 'dataset.scale'],
  );
  const scales = expandGrid(loaded).map((p) => trialParamsOf(resolvePoint(loaded, p)).scale);
  assert.deepEqual(scales, [0.5, 2, 0.5, 2]);
  for (const table of ['trials', 'curves', 'kernels', 'predictions', 'spectra', 'modes'] as const) {
    assert.equal((TABLE_COLUMNS[table] as Record<string, { kind: string }>).scale?.kind, 'float64', table);
  }
  assert.equal(PARAM_PATHS.scale, 'dataset.scale');
});
