/**
 * Grid expansion (src/config/expand.ts): order, the empty grid, the trial-count limits, duplicate
 * trials, and the sectioned fast path agreeing with a full schema resolution at every point.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  expandGrid,
  MAX_TRIALS,
  MAX_TRIALS_WITHOUT_YES,
  resolvePoint,
  trialCount,
} from '../../../src/config/expand.js';
import { canonicalParams, trialIdOf } from '../../../src/config/ids.js';
import { parseConfig } from '../../../src/config/loader.js';
import { ConfigError, formatProblem } from '../../../src/errors.js';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map(formatProblem);
  }
  assert.fail('no ConfigError');
}

test('points come in the grid order, first axis slowest, with their assignments and params', () => {
  const loaded = parseConfig(
    'grid:\n  width: [8, 16]\n  model.activation: [relu, erf, tanh]\n  seed: [0, 1]\n',
    'o.yaml',
  );
  const points = expandGrid(loaded);
  assert.equal(points.length, 12);
  assert.deepEqual(points[0].params, { width: 8, 'model.activation': 'relu', seed: 0 });
  assert.deepEqual(points[1].params, { width: 8, 'model.activation': 'relu', seed: 1 });
  assert.deepEqual(points[2].params, { width: 8, 'model.activation': 'erf', seed: 0 });
  assert.deepEqual(points[11].params, { width: 16, 'model.activation': 'tanh', seed: 1 });
  assert.deepEqual(points[7].assignments, [
    { path: 'model.width', value: 16 },
    { path: 'model.activation', value: 'relu' },
    { path: 'seed', value: 1 },
  ]);
  assert.deepEqual(
    points.map((p) => p.index),
    [...Array(12).keys()],
  );
  assert.equal(new Set(points.map((p) => p.trialId)).size, 12);
  const c = resolvePoint(loaded, points[7]);
  assert.equal(c.model.width, 16);
  assert.equal(c.model.activation, 'relu');
  assert.equal(c.seed, 1);
});

test('an empty or missing grid is one trial, the config itself', () => {
  for (const text of ['model: { width: 8 }\n', 'model: { width: 8 }\ngrid:\n', 'model: { width: 8 }\ngrid: {}\n']) {
    const loaded = parseConfig(text, 'e.yaml');
    const points = expandGrid(loaded);
    assert.equal(points.length, 1);
    assert.deepEqual(points[0].params, {});
    assert.deepEqual(points[0].assignments, []);
    assert.equal(points[0].trialId, trialIdOf(loaded.config));
    assert.equal(trialCount(loaded), 1);
  }
});

test('the sectioned fast path gives exactly the ids of a full resolution, point by point', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-expand-'));
  writeFileSync(path.join(dir, 'a.csv'), 'u,v,y\n1,2,3\n4,5,6\n7,8,9\n');
  writeFileSync(path.join(dir, 'b.csv'), 'u,v,y\n1,2,3\n4,5,6\n7,8,10\n');
  const grids = [
    // The target seed defaults to the data seed; the snapshots default to [0, steps].
    `dataset: { kind: gaussian, target: { kind: teacher } }
grid:
  dataset.seed: [0, 1]
  dataset.target.width: [16, 32]
  train.steps: [0, 20, 40]
  width: [8, 16]
  seed: { range: [0, 3] }
`,
    // Axes creating sections that are absent in the YAML, and every section at once.
    `grid:
  dataset.target.freq: { range: [1, 4] }
  model.w_std: [1, 1.5]
  model.parameterization: [ntk, standard]
  depth: [1, 2]
  width: [8]
  lr: { range: [0.1, 0.4, 0.1] }
  train.log_every: [1, 5]
  dataset.n_test: [0, 4]
`,
    `dataset: { kind: csv, n_train: 2, n_test: 1, target: { kind: column, column: y } }
model: { width: 8 }
grid:
  dataset.path: [a.csv, b.csv]
  seed: [3, 4]
`,
  ];
  for (const text of grids) {
    const loaded = parseConfig(text, 'f.yaml', dir);
    const points = expandGrid(loaded);
    assert.equal(points.length, trialCount(loaded));
    for (const p of points) {
      const c = resolvePoint(loaded, p);
      assert.equal(p.trialId, trialIdOf(c), `point ${p.index}: ${canonicalParams(c)}`);
    }
    assert.equal(new Set(points.map((p) => p.trialId)).size, points.length);
  }
});

test(`more than ${MAX_TRIALS_WITHOUT_YES} trials need yes; more than ${MAX_TRIALS} are refused`, () => {
  const loaded = parseConfig(
    'model: { depth: 1 }\ngrid:\n  width: { range: [1, 318] }\n  seed: { range: [0, 316] }\n',
    'big.yaml',
  );
  assert.equal(trialCount(loaded), 317 * 316);
  assert.deepEqual(
    problems(() => expandGrid(loaded)),
    [
      'big.yaml:2:1: grid: the grid has 100172 trials (width 317 × seed 316), more than 100000; pass --yes if you mean it',
    ],
  );
  const points = expandGrid(loaded, { yes: true });
  assert.equal(points.length, 100172);
  assert.deepEqual(points[100171].params, { width: 317, seed: 315 });

  const huge = parseConfig(
    'model: { depth: 1 }\ngrid:\n  width: { range: [1, 2001] }\n  seed: { range: [0, 1001] }\n',
    'huge.yaml',
  );
  assert.deepEqual(
    problems(() => expandGrid(huge, { yes: true })),
    [
      'huge.yaml:2:1: grid: the grid has 2002000 trials (width 2000 × seed 1001); at most 2000000 are supported, even with --yes',
    ],
  );
});

test('two values that resolve to the same trial are refused at the repeating value', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-expand-'));
  writeFileSync(path.join(dir, 'a.csv'), 'u,v,y\n1,2,3\n4,5,6\n');
  const text = `dataset: { kind: csv, n_train: 1, n_test: 1, target: { kind: column, column: y } }
model: { width: 8 }
grid:
  seed: [0, 1, 2]
  dataset.path: [a.csv, ./a.csv, ../${path.basename(dir)}/a.csv]
`;
  assert.deepEqual(
    problems(() => expandGrid(parseConfig(text, 'd.yaml', dir))),
    [
      "d.yaml:5:25: grid.dataset.path: the values 'a.csv' and './a.csv' give the same trials (the same resolved parameters); list each value once",
      `d.yaml:5:34: grid.dataset.path: the values 'a.csv' and '../${path.basename(dir)}/a.csv' give the same trials (the same resolved parameters); list each value once`,
    ],
  );
});

test('a grid point the schema refuses is reported at its axis (values changed after loading take this path)', () => {
  const loaded = parseConfig('model: { depth: 1 }\ngrid:\n  width: [8, 16]\n  seed: [0, 1]\n', 'p.yaml');
  // The loader checks every value; a caller that edits the axes afterwards still gets a located error, not a crash.
  loaded.config.grid[0].values.push(-5);
  assert.deepEqual(
    problems(() => expandGrid(loaded)),
    ['p.yaml:3:10: model.width: expected a positive integer, found -5 (with model.width = -5)'],
  );
});
