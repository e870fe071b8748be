/**
 * The order a page of trials starts in (src/config/trial-order.ts): the most estimated work first,
 * grid order among equals, and nothing added or lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateTrial, sizesOf } from '../../../src/config/estimate.js';
import { expandGrid, resolvePoint } from '../../../src/config/expand.js';
import { parseConfig } from '../../../src/config/loader.js';
import { longestFirst } from '../../../src/config/trial-order.js';

test('a page starts with its most work, and keeps the grid order among trials of equal work', () => {
  const loaded = parseConfig('grid:\n  width: [64, 1024, 256]\n  depth: [1, 3]\n  seed: [0, 1]\n', 'o.yaml');
  const points = expandGrid(loaded);
  const ordered = longestFirst(loaded, points, points);
  const work = ordered.map((p) => estimateTrial(sizesOf(resolvePoint(loaded, p))).flops);
  assert.deepEqual(
    work,
    [...work].sort((a, b) => b - a),
    'most estimated work first',
  );
  assert.deepEqual(
    ordered.slice(0, 2).map((p) => p.params),
    [
      { width: 1024, depth: 3, seed: 0 },
      { width: 1024, depth: 3, seed: 1 },
    ],
  );
  // Seeds cost the same: each pair stays in grid order.
  for (let i = 0; i < ordered.length; i += 2) assert.ok(ordered[i].index < ordered[i + 1].index);
  assert.deepEqual(new Set(ordered.map((p) => p.index)), new Set(points.map((p) => p.index)));
  assert.deepEqual(
    points.map((p) => p.index),
    [...Array(12).keys()],
    'the input is not reordered in place',
  );
});

test('training steps count as work: a grid over steps starts with the longest run', () => {
  const loaded = parseConfig('model:\n  width: 64\ngrid:\n  train.steps: [10, 1000, 100]\n', 'o.yaml');
  const points = expandGrid(loaded);
  const page = [points[0], points[2], points[1]].map(({ index, trialId }) => ({ index, trialId }));
  assert.deepEqual(
    longestFirst(loaded, points, page).map((t) => t.index),
    [1, 2, 0],
  );
});
