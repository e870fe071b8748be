/**
 * The sweep config loader (docs/design.md §6, §11): defaults, grid forms, and every problem reported at
 * once at the exact file:line:column, with what was expected, what was found and a did-you-mean.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { editDistance, suggest } from '../../../src/config/did-you-mean.js';
import { loadConfig, parseConfig, resolveTrial } from '../../../src/config/loader.js';
import { OverrideError } from '../../../src/errors.js';
import { ConfigError, formatProblem } from '../../../src/errors.js';
import { ACTIVATIONS } from '../../../src/activations/index.js';

/** The formatted problems of a config that must fail. */
function problemsOf(text: string, file = 'x.yaml', dir?: string): string[] {
  try {
    parseConfig(text, file, dir);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e.problems.map(formatProblem);
  }
  assert.fail('the config was accepted');
}

test('defaults fill every field but the width', () => {
  const { config } = parseConfig('model: { width: 32 }\n', 'My Sweep.yaml');
  assert.equal(config.name, 'my-sweep');
  assert.equal(config.output, 'runs/my-sweep');
  assert.equal(config.seed, 0);
  assert.deepEqual(config.dataset, {
    kind: 'circle',
    nTrain: 64,
    nTest: 64,
    seed: 0,
    target: { kind: 'sin', freq: 1 },
  });
  assert.deepEqual(config.model, {
    width: 32,
    depth: 1,
    activation: 'relu',
    parameterization: 'ntk',
    wStd: Math.SQRT2,
    bStd: 0.1,
    outputs: 1,
  });
  assert.deepEqual(config.train, { lr: 1, steps: 1000, logEvery: 10 });
  assert.deepEqual(config.ntk, { snapshots: [0, 1000], analytic: true, predictions: true });
  assert.deepEqual(config.execution, { backend: 'auto', maxParallel: 4, retries: 3, trialTimeoutS: 1800 });
  assert.deepEqual(config.grid, []);
});

test('the docs/design.md §6 example loads, with camelCase fields and grid axes in order', () => {
  const text = `name: relu-width
dataset: { kind: circle, n_train: 64, n_test: 64, target: { kind: sin, freq: 3 } }
model:   { activation: relu, parameterization: ntk, w_std: 1.4142, b_std: 0.1, outputs: 1 }
grid:
  width: [64, 128, 256, 512, 1024, 2048, 4096]
  depth: [1, 2, 3]
  lr: [0.5, 1.0]
  seed: { range: [0, 8] }
train:   { steps: 1000, log_every: 10 }
ntk:     { snapshots: [0, 100, 1000], analytic: true, predictions: true, probe: { kind: circle, n: 128 } }
execution: { backend: auto, max_parallel: 4, retries: 3, trial_timeout: 30m }
output: runs/relu-width
`;
  const { config } = parseConfig(text, 'relu.yaml');
  assert.deepEqual(
    config.grid.map((a) => [a.name, a.path, a.values]),
    [
      ['width', 'model.width', [64, 128, 256, 512, 1024, 2048, 4096]],
      ['depth', 'model.depth', [1, 2, 3]],
      ['lr', 'train.lr', [0.5, 1.0]],
      ['seed', 'seed', [0, 1, 2, 3, 4, 5, 6, 7]],
    ],
  );
  // The loaded config is the grid's first point.
  assert.equal(config.model.width, 64);
  assert.equal(config.model.depth, 1);
  assert.equal(config.train.lr, 0.5);
  assert.equal(config.seed, 0);
  assert.equal(config.model.wStd, 1.4142);
  assert.deepEqual(config.ntk.probe, { kind: 'circle', n: 128 });
  assert.equal(config.train.logEvery, 10);
  assert.equal(config.execution.trialTimeoutS, 1800);
});

test('grid forms: lists, integer and fractional ranges, dotted field paths', () => {
  const text = `model: { depth: 1 }
grid:
  width: [8, 16]
  seed: { range: [2, 5] }
  lr: { range: [0.1, 0.5, 0.1] }
  model.activation: [relu, erf, tanh]
  dataset.target.freq: { range: [4, 0, -2] }
`;
  const { config } = parseConfig(text, 'g.yaml');
  const values = Object.fromEntries(config.grid.map((a) => [a.name, a.values]));
  assert.deepEqual(values.seed, [2, 3, 4]);
  assert.deepEqual(values.lr, [0.1, 0.2, 0.3, 0.4]); // binary noise tidied: 0.1 + 2·0.1 is 0.3
  assert.deepEqual(values['model.activation'], ['relu', 'erf', 'tanh']);
  assert.deepEqual(values['dataset.target.freq'], [4, 2]);
  assert.equal(config.model.activation, 'relu');
  assert.deepEqual(config.dataset.target, { kind: 'sin', freq: 4 });
});

test('several problems are reported at once, each at its exact place', () => {
  const text = [
    'name: Bad_Name', //                                   1
    'dataset: { kind: circel, n_train: 64 }', //            2
    'model:', //                                           3
    '  widht: 3', //                                       4
    '  activation: rleu', //                               5
    '  depth: 0', //                                       6
    'grid:', //                                            7
    '  width: [64, -128, 2.5]', //                         8
    '  widths: [1]', //                                    9
    'train:', //                                           10
    '  lr: 0', //                                          11
    '  steps: 1.5', //                                     12
    'ntk: { snapshots: [0, 10, 5] }', //                   13
    'execution: { backend: wasn, trial_timeout: 10x }', // 14
    'extra: 1', //                                         15
  ].join('\n');
  assert.deepEqual(problemsOf(text), [
    "x.yaml:1:7: name: expected a name of lower-case letters, digits and dashes, found 'Bad_Name'",
    "x.yaml:2:18: dataset.kind: expected one of circle, sphere, gaussian, csv, found 'circel' (did you mean 'circle'?)",
    "x.yaml:4:3: model.widht: unknown field 'widht' in model (did you mean 'width'?)",
    `x.yaml:5:15: model.activation: expected one of ${ACTIVATIONS.join(', ')}, found 'rleu' (did you mean 'relu'?)`,
    'x.yaml:6:10: model.depth: expected a positive integer, found 0',
    'x.yaml:8:15: grid.width: expected a positive integer, found -128',
    'x.yaml:8:21: grid.width: expected a positive integer, found 2.5',
    "x.yaml:9:3: grid.widths: unknown grid axis 'widths' (did you mean 'width'?); expected a short name (width, depth, lr, seed) or a field path such as model.activation",
    'x.yaml:11:7: train.lr: expected a positive number, found 0',
    'x.yaml:12:10: train.steps: expected a non-negative integer, found 1.5',
    'x.yaml:13:27: ntk.snapshots[2]: snapshot steps must increase; 5 follows 10',
    "x.yaml:14:23: execution.backend: expected one of auto, webgpu, tensorflow, wasm, cpu, found 'wasn' (did you mean 'wasm'?)",
    "x.yaml:14:44: execution.trial_timeout: expected a duration such as 90s, 30m or 2h, found '10x'",
    "x.yaml:15:1: extra: unknown field 'extra'; known fields: name, seed, dataset, model, grid, train, ntk, execution, output",
  ]);
});

test('a missing width is reported, and a field set both in its section and as a grid axis', () => {
  assert.deepEqual(problemsOf('model:\n  depth: 2\n'), [
    'x.yaml:1:1: model.width: missing (expected a positive integer)',
  ]);
  assert.deepEqual(problemsOf('model: { width: 8 }\ngrid:\n  width: [8, 16]\n'), [
    "x.yaml:1:10: model.width: also set by the grid axis 'width'; give it in one place",
  ]);
  assert.deepEqual(problemsOf('model: { width: 8 }\ngrid:\n  model.depth: [1]\n  depth: [2]\n'), [
    "x.yaml:4:3: grid.depth: sets model.depth, as the axis 'model.depth' already does",
  ]);
});

test('grid values are checked against their fields, and bad grid forms are named', () => {
  const text = [
    'model: { width: 8 }', //                        1
    'grid:', //                                      2
    '  model.activation: [relu, sine]', //           3
    '  seed: { range: [0, 3, 0] }', //               4
    '  depth: 3', //                                 5
    '  lr: []', //                                   6
    '  dataset.n_train: [4, 4]', //                  7
    '  activation: [tanh]', //                       8
  ].join('\n');
  assert.deepEqual(problemsOf(text), [
    `x.yaml:3:28: grid.model.activation: expected one of ${ACTIVATIONS.join(', ')}, found 'sine' (did you mean 'sin'?)`,
    'x.yaml:4:25: grid.seed.range[2]: expected a non-zero step, found 0',
    'x.yaml:5:10: grid.depth: expected a list of values or { range: [start, stop, step] }, found 3',
    'x.yaml:6:7: grid.lr: expected at least one value, found an empty list',
    'x.yaml:7:24: grid.dataset.n_train[1]: the value 4 is already item 1',
    "x.yaml:8:3: grid.activation: unknown grid axis 'activation' (did you mean 'model.activation'?); expected a short name (width, depth, lr, seed) or a field path such as model.activation",
  ]);
});

test('a field that does not apply to the dataset kind is refused, at the grid axis that sets it', () => {
  assert.deepEqual(problemsOf('model: { width: 8 }\ngrid:\n  dataset.dim: [3]\n'), [
    "x.yaml:3:17: grid.dataset.dim: unknown field 'dim' in dataset; known fields: kind, n_train, n_test, seed, target",
  ]);
});

test('cross-field checks: product target outputs, circle probe dimension, column target without csv', () => {
  const text = [
    'dataset: { kind: sphere, dim: 3, target: { kind: product } }', // 1
    'model: { width: 8, outputs: 2 }', //                              2
    'ntk: { probe: { kind: circle } }', //                            3
  ].join('\n');
  assert.deepEqual(problemsOf(text), [
    'x.yaml:2:29: model.outputs: the product target has one output; expected 1, found 2',
    'x.yaml:3:23: ntk.probe.kind: circle probe points are 2-dimensional, but the inputs have dimension 3',
  ]);
  assert.deepEqual(problemsOf('dataset: { target: { kind: column, column: y } }\nmodel: { width: 8 }\n'), [
    'x.yaml:1:28: dataset.target.kind: a column target needs a csv dataset, and dataset.kind is circle',
  ]);
});

test('malformed YAML, duplicate keys, custom tags and an empty file are located problems', () => {
  assert.deepEqual(problemsOf('model:\n  width: [64, 128\n  depth: 2\n'), [
    'x.yaml:3:3: malformed YAML: flow sequence in block collection must be sufficiently indented and end with a ]',
  ]);
  assert.deepEqual(problemsOf('model:\n  width: 64\n  width: 128\n'), [
    'x.yaml:3:3: duplicate key (each key may appear once in a mapping)',
  ]);
  assert.deepEqual(problemsOf('model: { width: !!binary aGVsbG8= }\nname: !shell rm\n'), [
    'x.yaml:1:26: the YAML tag !!binary is not supported (only plain values, lists and mappings)',
    'x.yaml:2:7: unresolved tag: !shell; custom YAML tags are not supported',
  ]);
  assert.deepEqual(problemsOf(''), [
    'x.yaml:1:1: the config is empty; expected a mapping with dataset, model, grid, train, …',
  ]);
  assert.deepEqual(problemsOf('model: { width: *w }\n'), [
    'x.yaml:1:17: the alias *w names no anchor defined before it',
  ]);
});

test('a CSV path is resolved against the config folder and a missing file is located', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-config-'));
  writeFileSync(path.join(dir, 'd.csv'), 'x1,x2,y\n1,2,3\n');
  const ok = `dataset: { kind: csv, path: d.csv, n_train: 1, n_test: 0, target: { kind: column, column: y } }
model: { width: 8 }
`;
  assert.equal(parseConfig(ok, 'c.yaml', dir).config.dataset.kind, 'csv');
  const bad = ok.replace('d.csv', 'missing.csv');
  assert.deepEqual(problemsOf(bad, 'c.yaml', dir), [
    `c.yaml:1:29: dataset.path: no such file: missing.csv (looked for ${path.join(dir, 'missing.csv')})`,
  ]);
  // loadConfig anchors at the file's own folder, whatever the working folder.
  writeFileSync(path.join(dir, 'c.yaml'), ok);
  assert.equal(loadConfig(path.join(dir, 'c.yaml')).dir, dir);
  assert.throws(
    () => loadConfig(path.join(dir, 'none.yaml')),
    (e: unknown) => {
      return e instanceof ConfigError && /cannot read the config: no such file/.test(e.message);
    },
  );
});

test('resolveTrial applies grid points and flags, and names the flag of a bad value', () => {
  const loaded = parseConfig('model: { depth: 1 }\ngrid:\n  width: [8, 16]\n  lr: [0.5, 1]\n', 'r.yaml');
  const t = resolveTrial(loaded, [
    { path: 'model.width', value: 16 },
    { path: 'train.steps', value: 7, origin: '--steps' },
  ]);
  assert.equal(t.model.width, 16);
  assert.equal(t.train.lr, 0.5);
  assert.equal(t.train.steps, 7);
  assert.deepEqual(t.ntk.snapshots, [0, 7]);
  assert.throws(
    () =>
      resolveTrial(loaded, [
        { path: 'model.width', value: -3, origin: '--width' },
        { path: 'train.lr', value: 'fast', origin: '--lr' },
      ]),
    (e: unknown) => {
      assert.ok(e instanceof OverrideError);
      assert.deepEqual(e.lines, [
        '--width: model.width: expected a positive integer, found -3',
        "--lr: train.lr: expected a positive number, found 'fast'",
      ]);
      return true;
    },
  );
});

test('did-you-mean: transpositions count once, far names get no suggestion', () => {
  assert.equal(editDistance('rleu', 'relu'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(suggest('rleu', ['relu', 'erf', 'tanh']), 'relu');
  assert.equal(suggest('n-train', ['n_train', 'n_test']), 'n_train');
  assert.equal(suggest('banana', ['relu', 'erf']), undefined);
});

test('configs/quickstart.yaml is valid: circle, N = 64, relu, 5 widths × 2 depths × 3 seeds, a few hundred steps', () => {
  const { config } = loadConfig(path.join(import.meta.dirname, '..', '..', '..', 'configs', 'quickstart.yaml'));
  assert.equal(config.name, 'quickstart');
  assert.equal(config.dataset.kind, 'circle');
  assert.equal(config.dataset.nTrain, 64);
  assert.equal(config.model.activation, 'relu');
  const axes = Object.fromEntries(config.grid.map((a) => [a.name, a.values]));
  assert.deepEqual(axes, { width: [64, 128, 256, 512, 1024], depth: [1, 2], seed: [0, 1, 2] });
  assert.ok(config.train.steps >= 100 && config.train.steps <= 1000);
  assert.deepEqual(config.ntk.snapshots, [0, 100, 300]);
});
