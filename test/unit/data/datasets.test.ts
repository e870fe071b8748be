/**
 * Data sets (docs/design.md §6): reproducible by seed, the right shapes and distributions, targets
 * against their definitions (the teacher against the analytic NNGP kernel by Monte Carlo), and CSV
 * files: a round trip, and every malformed input a DatasetError at the cell's file:line:column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatasetConfig, TargetConfig } from '../../../src/config/types.js';
import { circleGrid } from '../../../src/data/inputs.js';
import { makeDataset, makeProbe } from '../../../src/data/make-dataset.js';
import { computeTargets } from '../../../src/data/targets.js';
import { DatasetError } from '../../../src/errors.js';
import { at, makeMat, type Mat } from '../../../src/linalg/mat.js';
import { analyticKernels } from '../../../src/ntk/analytic.js';

const circle = (over: Partial<DatasetConfig> = {}): DatasetConfig =>
  ({ kind: 'circle', nTrain: 32, nTest: 16, seed: 0, target: { kind: 'sin', freq: 3 }, ...over }) as DatasetConfig;

const rowNorm = (m: Mat, i: number): number => {
  let s = 0;
  for (let j = 0; j < m.cols; j++) s += at(m, i, j) ** 2;
  return Math.sqrt(s);
};

test('the same seed gives the same data; another seed other data; n_test leaves the training set alone', () => {
  const a = makeDataset(circle(), 1, '.');
  const b = makeDataset(circle(), 1, '.');
  assert.deepEqual(a, b);
  const c = makeDataset(circle({ seed: 1 }), 1, '.');
  assert.notDeepEqual(a.xTrain.data, c.xTrain.data);
  const d = makeDataset(circle({ nTest: 3 }), 1, '.');
  assert.deepEqual(d.xTrain, a.xTrain);
  assert.equal(d.xTest.rows, 3);
  // Train and test points are drawn independently, not the same points twice.
  assert.notDeepEqual(a.xTest.data.subarray(0, 8), a.xTrain.data.subarray(0, 8));
});

test('shapes and input distributions of circle, sphere and gaussian sets', () => {
  const c = makeDataset(circle(), 2, '.');
  assert.deepEqual([c.xTrain.rows, c.xTrain.cols, c.yTrain.rows, c.yTrain.cols], [32, 2, 32, 2]);
  assert.deepEqual([c.xTest.rows, c.yTest.cols], [16, 2]);
  for (let i = 0; i < 32; i++) assert.ok(Math.abs(rowNorm(c.xTrain, i) - 1) < 1e-12);

  const s = makeDataset({ kind: 'sphere', nTrain: 50, nTest: 5, seed: 2, dim: 5, target: { kind: 'linear', seed: 0 } }, 1, '.');
  assert.deepEqual([s.xTrain.rows, s.xTrain.cols], [50, 5]);
  for (let i = 0; i < 50; i++) assert.ok(Math.abs(rowNorm(s.xTrain, i) - 1) < 1e-12);

  const g = makeDataset(
    { kind: 'gaussian', nTrain: 4000, nTest: 0, seed: 5, dim: 2, scale: 3, target: { kind: 'product' } },
    1,
    '.',
  );
  let sum = 0;
  let sq = 0;
  for (const v of g.xTrain.data) {
    sum += v;
    sq += v * v;
  }
  const n = g.xTrain.data.length;
  const mean = sum / n;
  const sd = Math.sqrt(sq / n - mean * mean);
  // 8000 draws: standard errors ≈ 0.034 for the mean and ≈ 0.024 for the standard deviation.
  assert.ok(Math.abs(mean) < 0.15, `mean ${mean}`);
  assert.ok(Math.abs(sd - 3) < 0.1, `sd ${sd}`);
  assert.equal(g.xTest.rows, 0);
});

test('sin, product and linear targets match their definitions', () => {
  const x = circleGrid(12); // γ_i = 2πi/12
  const y = computeTargets({ kind: 'sin', freq: 3 }, x, 1);
  for (let i = 0; i < 12; i++) assert.ok(Math.abs(y.data[i] - Math.sin((3 * 2 * Math.PI * i) / 12)) < 1e-12);
  const y2 = computeTargets({ kind: 'sin', freq: 2 }, x, 2); // sin and cos of 2γ
  for (let i = 0; i < 12; i++) {
    const g = (2 * Math.PI * i) / 12;
    assert.ok(Math.abs(at(y2, i, 0) - Math.sin(2 * g)) < 1e-12);
    assert.ok(Math.abs(at(y2, i, 1) - Math.cos(2 * g)) < 1e-12);
  }
  const p = makeDataset(circle({ target: { kind: 'product' } }), 1, '.');
  for (let i = 0; i < 32; i++) assert.equal(p.yTrain.data[i], at(p.xTrain, i, 0) * at(p.xTrain, i, 1));
  assert.throws(() => computeTargets({ kind: 'product' }, x, 2), /one output/);

  // A linear target is exactly linear: the map fitted on the unit vectors predicts every other point.
  const lin: TargetConfig = { kind: 'linear', seed: 4 };
  const g = makeDataset({ kind: 'gaussian', nTrain: 20, nTest: 0, seed: 1, dim: 3, scale: 1, target: lin }, 2, '.');
  const w = computeTargets(lin, makeMat(3, 3, [1, 0, 0, 0, 1, 0, 0, 0, 1]), 2); // rows = w for each input axis
  for (let i = 0; i < 20; i++) {
    for (let j = 0; j < 2; j++) {
      let s = 0;
      for (let t = 0; t < 3; t++) s += at(g.xTrain, i, t) * at(w, t, j);
      assert.ok(Math.abs(at(g.yTrain, i, j) - s) < 1e-12);
    }
  }
  assert.notDeepEqual(computeTargets({ kind: 'linear', seed: 5 }, x, 1).data, computeTargets(lin, x, 1).data);
});

test('teacher targets have the covariance of the NNGP kernel of their network (Monte Carlo over seeds)', () => {
  // For one hidden layer the output is exactly Gaussian-mixed: E[f(x) f(x')] = K(x, x') at any width.
  const x = makeMat(3, 2, [1, 0, Math.cos(1), Math.sin(1), -0.6, 0.8]);
  const K = analyticKernels(
    { inputDim: 2, width: 64, depth: 1, outputs: 1, activation: 'relu', parameterization: 'ntk', wStd: Math.SQRT2, bStd: 0.1 },
    x,
  ).nngp;
  const seeds = 600;
  const prods: number[][] = [[], [], []]; // (0,0), (0,1), (1,2)
  const pairs = [
    [0, 0],
    [0, 1],
    [1, 2],
  ];
  for (let s = 0; s < seeds; s++) {
    const f = computeTargets({ kind: 'teacher', width: 64, depth: 1, seed: s }, x, 1).data;
    pairs.forEach(([i, j], p) => prods[p].push(f[i] * f[j]));
  }
  pairs.forEach(([i, j], p) => {
    const v = prods[p];
    const mean = v.reduce((a, b) => a + b, 0) / seeds;
    const se = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (seeds - 1) / seeds);
    const want = at(K, i, j);
    assert.ok(Math.abs(mean - want) < 4 * se, `E[f(x${i})f(x${j})] = ${mean} ± ${se}, K = ${want}`);
  });
  // Reproducible, and not the student's initialisation stream: another seed is another function.
  const a = computeTargets({ kind: 'teacher', width: 64, depth: 2, seed: 1 }, x, 2);
  assert.deepEqual(a, computeTargets({ kind: 'teacher', width: 64, depth: 2, seed: 1 }, x, 2));
  assert.notDeepEqual(a.data, computeTargets({ kind: 'teacher', width: 64, depth: 2, seed: 2 }, x, 2).data);
});

test('the probe set is the evenly spaced circle grid', () => {
  const d = makeDataset(circle(), 1, '.', { kind: 'circle', n: 8 });
  assert.deepEqual(d.probe, circleGrid(8));
  assert.deepEqual(makeProbe({ kind: 'circle', n: 5 }), circleGrid(5));
  assert.throws(
    () => makeDataset({ kind: 'sphere', nTrain: 4, nTest: 0, seed: 0, dim: 3, target: { kind: 'linear', seed: 0 } }, 1, '.', { kind: 'circle', n: 8 }),
    DatasetError,
  );
});

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ntk-data-'));
}

test('CSV round trip: a data set written as CSV reads back exactly, split into train and test rows', () => {
  const src = makeDataset(
    { kind: 'gaussian', nTrain: 10, nTest: 5, seed: 9, dim: 3, scale: 2, target: { kind: 'linear', seed: 1 } },
    2,
    '.',
  );
  const lines = ['id,a,b,c,y1,y2'];
  const put = (x: Mat, y: Mat, off: number): void => {
    for (let i = 0; i < x.rows; i++) {
      // String(v) is the shortest round-tripping decimal, so the values must come back bit for bit.
      lines.push([`p${off + i}`, ...x.data.subarray(i * 3, i * 3 + 3), ...y.data.subarray(i * 2, i * 2 + 2)].map(String).join(','));
    }
  };
  put(src.xTrain, src.yTrain, 0);
  put(src.xTest, src.yTest, 10);
  lines.push('p15,not,a,number,row,beyond'); // rows after n_train + n_test are not read as numbers
  const dir = tempDir();
  writeFileSync(path.join(dir, 'data.csv'), lines.join('\r\n') + '\r\n');
  const back = makeDataset(
    { kind: 'csv', path: 'data.csv', nTrain: 10, nTest: 5, seed: 0, features: ['a', 'b', 'c'], target: { kind: 'column', columns: ['y1', 'y2'] } },
    2,
    dir,
  );
  assert.deepEqual(back, { xTrain: src.xTrain, yTrain: src.yTrain, xTest: src.xTest, yTest: src.yTest });

  // Features default to the columns that are not targets; computed targets work on CSV inputs too.
  writeFileSync(path.join(dir, 'xy.csv'), 'x1,x2\n0.5,2\n-1,3\n');
  const prod = makeDataset({ kind: 'csv', path: 'xy.csv', nTrain: 1, nTest: 1, seed: 0, target: { kind: 'product' } }, 1, dir);
  assert.deepEqual(Array.from(prod.yTrain.data), [1]);
  assert.deepEqual(Array.from(prod.yTest.data), [-3]);
});

/** The message of the DatasetError that reading `text` as a CSV data set raises. */
function csvError(text: string, over: Partial<Extract<DatasetConfig, { kind: 'csv' }>> = {}): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'd.csv'), text);
  const cfg = { kind: 'csv', path: 'd.csv', nTrain: 2, nTest: 1, seed: 0, target: { kind: 'column', columns: ['y'] }, ...over };
  try {
    makeDataset(cfg as DatasetConfig, 1, dir);
  } catch (e) {
    assert.ok(e instanceof DatasetError, `expected a DatasetError, got ${String(e)}`);
    return e.message.replaceAll(path.join(dir, 'd.csv'), 'd.csv');
  }
  assert.fail('the data set was accepted');
}

test('malformed CSV: every bad cell at its file:line:column', () => {
  assert.equal(csvError('x1,x2,y\n1,2,3\n4,5\n6,7,8\n'), 'd.csv:3:4: malformed row: 2 cells, but the header has 3 columns');
  assert.equal(csvError('x1,x2,y\n1,2,3\n4,5,6,7\n6,7,8\n'), 'd.csv:3:7: malformed row: 4 cells, but the header has 3 columns');
  assert.equal(
    csvError('x1,x2,y\n1,2,3\n\n4, NaN ,6\n6,,8\n"7",abc,1e999\n', { nTrain: 3 }),
    [
      "d.csv:4:4: column 'x2': expected a finite number, found 'NaN'",
      "d.csv:5:3: column 'x2': expected a number, found an empty cell",
      "d.csv:6:5: column 'x2': expected a finite number, found 'abc'",
      "d.csv:6:9: column 'y': expected a finite number, found '1e999'",
    ].join('\n'),
  );
  assert.equal(csvError('x1,x2,y\n1,2,3\n'), 'd.csv:3:1: 1 data rows, but n_train + n_test = 2 + 1 = 3 are needed');
  assert.equal(
    csvError('x1,x2,y\n1,2,3\n', { target: { kind: 'column', columns: ['Y'] } }),
    "d.csv:1:1: the target column 'Y' is not in the header (x1, x2, y) (did you mean 'y'?)",
  );
  assert.equal(csvError('x1,x1,y\n1,2,3\n'), "d.csv:1:4: the column name 'x1' appears twice in the header");
  assert.match(csvError('x1,x2,y\n1,"2,3\n'), /^d\.csv:\d+:1: malformed CSV: quote not closed/i);
  assert.equal(csvError(''), 'd.csv:1:1: the file is empty; expected a header row of column names');
});

test('a missing CSV file is a DatasetError naming the path', () => {
  const dir = tempDir();
  assert.throws(
    () => makeDataset({ kind: 'csv', path: 'gone.csv', nTrain: 1, nTest: 0, seed: 0, target: { kind: 'product' } }, 1, dir),
    (e: unknown) => e instanceof DatasetError && e.message === `${path.join(dir, 'gone.csv')}: cannot read the data file: no such file`,
  );
});
