/**
 * Trial, sweep and analytic ids (src/config/ids.ts): golden values for fixed configs (they must
 * be the same on every machine and in every run; a change here breaks every existing run folder's
 * resume), and the rule — every result-affecting field changes the trial id, while `name`,
 * `output` and `execution.*` do not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { expandGrid, resolvePoint } from '../../../src/config/expand.js';
import { analyticIdOf, canonicalJson, canonicalParams, sweepIdOf, trialIdOf } from '../../../src/config/ids.js';
import { loadConfig, parseConfig } from '../../../src/config/loader.js';
import { ROOT } from '../../helpers/python.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'ids');

test('golden trial ids of a fixed config, in grid order (first axis slowest)', () => {
  const loaded = loadConfig(path.join(FIXTURES, 'golden.yaml'));
  const points = expandGrid(loaded);
  assert.deepEqual(
    points.map((p) => [p.params, p.trialId]),
    [
      [{ width: 32, lr: 0.25, seed: 0 }, '6dbfb15bacfd'],
      [{ width: 32, lr: 0.25, seed: 7 }, 'ed909d29a49d'],
      [{ width: 32, lr: 0.5, seed: 0 }, 'b154ef920017'],
      [{ width: 32, lr: 0.5, seed: 7 }, 'c6bd9b13b06c'],
      [{ width: 32, lr: 0.75, seed: 0 }, 'cf0d5f941d38'],
      [{ width: 32, lr: 0.75, seed: 7 }, 'b61011d6cab0'],
      [{ width: 128, lr: 0.25, seed: 0 }, '9df3c1b6cdce'],
      [{ width: 128, lr: 0.25, seed: 7 }, '92de14ceb8e5'],
      [{ width: 128, lr: 0.5, seed: 0 }, '9891fa963c13'],
      [{ width: 128, lr: 0.5, seed: 7 }, '8257375c5c77'],
      [{ width: 128, lr: 0.75, seed: 0 }, '3695c4f127aa'],
      [{ width: 128, lr: 0.75, seed: 7 }, '07bcf196212d'],
    ],
  );
  assert.deepEqual(
    points.map((p) => p.index),
    points.map((_, i) => i),
  );
  const first = resolvePoint(loaded, points[0]);
  assert.equal(
    canonicalParams(first),
    '{"dataset":{"kind":"circle","n_test":8,"n_train":16,"seed":3,"target":{"freq":2,"kind":"sin"}},"id_version":1,' +
      '"model":{"activation":"erf","b_std":0.05,"depth":2,"outputs":1,"parameterization":"ntk","w_std":1.5,"width":32},' +
      '"ntk":{"analytic":true,"predictions":true,"probe":{"kind":"circle","n":12},"snapshots":[0,50]},"seed":0,' +
      '"train":{"log_every":5,"lr":0.25,"steps":50}}',
  );
  // The id is the first 12 hex digits of the SHA-256 of that text, nothing else.
  assert.equal(createHash('sha256').update(canonicalParams(first)).digest('hex').slice(0, 12), points[0].trialId);
  assert.equal(sweepIdOf(loaded), 'golden-1ed50085');
  // Every point shares one analytic config: width (ntk parameterization), lr and seed do not enter it.
  assert.deepEqual(new Set(points.map((p) => analyticIdOf(resolvePoint(loaded, p)))), new Set(['69e7d595cf6e']));
});

test('golden ids of a CSV config hash the file content', () => {
  const loaded = loadConfig(path.join(FIXTURES, 'golden-csv.yaml'));
  const points = expandGrid(loaded);
  assert.deepEqual(
    points.map((p) => [p.params, p.trialId, analyticIdOf(resolvePoint(loaded, p))]),
    [
      [{ depth: 1 }, 'f1b9441752ac', '0c16b6ab0df1'],
      [{ depth: 2 }, 'd15892ef8c7a', 'c8105ae63f25'],
    ],
  );
  assert.match(
    canonicalParams(resolvePoint(loaded, points[0])),
    /"file_sha256":"f2957ee6eee31b052f7752afafdaff0422025fa5d2d677c6e6acdd9edce63497"/,
  );
  assert.equal(sweepIdOf(loaded), 'golden-csv-c933c7c4');
});

test('canonical JSON: sorted keys, shortest numbers, -0 is 0, no whitespace; non-finite numbers refused', () => {
  assert.equal(
    canonicalJson({ b: 1.0, a: [2, { d: -0, c: 'x"y' }], e: undefined, f: null }),
    '{"a":[2,{"c":"x\\"y","d":0}],"b":1,"f":null}',
  );
  assert.equal(canonicalJson(0.1 + 0.2), '0.30000000000000004');
  assert.equal(canonicalJson(1e21), '1e+21');
  assert.throws(() => canonicalJson(Number.NaN), RangeError);
  assert.throws(() => canonicalJson(Number.POSITIVE_INFINITY), RangeError);
});

// ---- the rule, field by field ------------------------------------------------------------------

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Mutation {
  name: string;
  /** Leaves of the canonical parameters this mutation changes (dotted, snake_case). */
  covers: string[];
  edit: (raw: Raw, dir: string) => void;
}

const set =
  (p: string, v: unknown) =>
  (raw: Raw): void => {
    const segs = p.split('.');
    let cur = raw;
    for (const s of segs.slice(0, -1)) cur = cur[s] ??= {};
    cur[segs[segs.length - 1]] = v;
  };
const change = (p: string, v: unknown, covers: string[] = [p]): Mutation => ({
  name: `${p} → ${JSON.stringify(v)}`,
  covers,
  edit: set(p, v),
});

function load(raw: Raw, dir: string) {
  return parseConfig(stringify(raw), 'm.yaml', dir);
}
const idOf = (raw: Raw, dir: string): string => trialIdOf(load(raw, dir).config);

/** Leaf paths of the canonical parameters (arrays are leaves). */
function leaves(v: unknown, prefix = ''): string[] {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    return Object.entries(v).flatMap(([k, x]) => leaves(x, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

const common: Mutation[] = [
  change('seed', 5),
  change('dataset.n_train', 17),
  change('dataset.n_test', 9),
  change('model.width', 33),
  change('model.depth', 3),
  change('model.activation', 'tanh'),
  change('model.parameterization', 'standard'),
  change('model.w_std', 1.25),
  change('model.b_std', 0),
  change('train.lr', 0.3),
  change('train.steps', 60),
  change('train.log_every', 7),
  change('ntk.snapshots', [0, 10, 50]),
  change('ntk.analytic', false),
  change('ntk.predictions', false),
];

const synthetic: Mutation[] = [...common, change('dataset.seed', 4)];

/** Base configs (YAML trees), each with the mutations that must change its trial id. */
const BASES: { name: string; raw: Raw; mutations: Mutation[] }[] = [
  {
    name: 'circle / sin / probe',
    raw: {
      dataset: { kind: 'circle', n_train: 16, n_test: 8, seed: 3, target: { kind: 'sin', freq: 2 } },
      model: { width: 32, depth: 2, activation: 'erf', w_std: 1.5, b_std: 0.05 },
      train: { lr: 0.5, steps: 50, log_every: 5 },
      ntk: { snapshots: [0, 50], probe: { kind: 'circle', n: 12 } },
    },
    mutations: [
      ...synthetic,
      change('dataset.target.freq', 3),
      change('model.outputs', 2),
      change('ntk.probe.n', 13),
      { name: 'no probe', covers: ['ntk.probe.kind', 'ntk.probe.n'], edit: (r) => delete r.ntk.probe },
      change('dataset.target', { kind: 'product' }, ['dataset.target.kind', 'dataset.target.freq']),
      {
        name: 'sphere in 2-d',
        covers: ['dataset.kind'],
        edit: (r) => Object.assign(r.dataset, { kind: 'sphere', dim: 2 }),
      },
    ],
  },
  {
    name: 'sphere / teacher',
    raw: {
      dataset: {
        kind: 'sphere',
        dim: 4,
        n_train: 16,
        n_test: 8,
        seed: 1,
        target: { kind: 'teacher', width: 64, depth: 2 },
      },
      model: { width: 32, outputs: 2 },
      train: { lr: 0.5, steps: 50 },
      ntk: { snapshots: [0, 50] },
    },
    mutations: [
      ...synthetic,
      change('dataset.dim', 5),
      change('dataset.target.width', 65),
      change('dataset.target.depth', 1),
      change('dataset.target.seed', 9),
      change('dataset.target', { kind: 'linear' }, [
        'dataset.target.kind',
        'dataset.target.width',
        'dataset.target.depth',
      ]),
      change('model.outputs', 1),
      change('dataset.kind', 'gaussian'),
    ],
  },
  {
    name: 'gaussian / linear',
    raw: {
      dataset: { kind: 'gaussian', dim: 3, scale: 2, n_train: 16, n_test: 8, target: { kind: 'linear' } },
      model: { width: 32 },
      train: { lr: 0.5, steps: 50 },
      ntk: { snapshots: [0, 50] },
    },
    mutations: [
      ...synthetic,
      change('dataset.dim', 2),
      change('dataset.scale', 0.5),
      change('dataset.target.seed', 9),
      change('model.outputs', 3),
      change('dataset.target.kind', 'sin', ['dataset.target.kind', 'dataset.target.seed']),
      {
        name: 'sphere',
        covers: ['dataset.kind', 'dataset.scale'],
        edit: (r) => ((r.dataset.kind = 'sphere'), delete r.dataset.scale),
      },
    ],
  },
  {
    name: 'csv / columns',
    raw: {
      dataset: {
        kind: 'csv',
        path: 'd.csv',
        n_train: 3,
        n_test: 1,
        features: ['a', 'b'],
        target: { kind: 'column', column: ['y', 'z'] },
      },
      model: { width: 32, outputs: 2 },
      train: { lr: 0.5, steps: 50 },
      ntk: { snapshots: [0, 50] },
    },
    mutations: [
      ...common,
      change('dataset.seed', 4), // unused by CSV rows today, but part of the resolved section
      change('dataset.features', ['b', 'a']),
      change('dataset.target.column', ['z', 'y'], ['dataset.target.columns']),
      {
        name: 'one output, one column',
        covers: ['model.outputs', 'dataset.target.columns'],
        edit: (r) => ((r.model.outputs = 1), (r.dataset.target.column = 'y')),
      },
      {
        name: 'a product target',
        covers: ['dataset.target.kind', 'dataset.target.columns'],
        edit: (r) => ((r.model.outputs = 1), (r.dataset.target = { kind: 'product' })),
      },
      {
        name: 'a circle instead',
        covers: ['dataset.kind', 'dataset.file_sha256', 'dataset.features'],
        edit: (r) => (r.dataset = { kind: 'circle', n_train: 3, n_test: 1, target: { kind: 'sin' } }),
      },
      {
        name: 'the file content',
        covers: ['dataset.file_sha256'],
        edit: (r, dir) => {
          writeFileSync(path.join(dir, 'e.csv'), CSV.replace('0.5', '0.25'));
          r.dataset.path = 'e.csv';
        },
      },
    ],
  },
];

const CSV = 'a,b,y,z\n0.5,1.5,1,0\n-1,2,0,1\n3,0.25,1,1\n2,2,0,0\n';

function freshDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-ids-'));
  writeFileSync(path.join(dir, 'd.csv'), CSV);
  return dir;
}

for (const base of BASES) {
  test(`every result-affecting field changes the trial id: ${base.name}`, () => {
    const dir = freshDir();
    const id0 = idOf(base.raw, dir);
    const params = JSON.parse(canonicalParams(load(base.raw, dir).config)) as Record<string, unknown>;
    const covered = new Set(base.mutations.flatMap((m) => m.covers));
    // Every field that is hashed is exercised here (a new schema field fails this until it is).
    const missing = leaves(params).filter((l) => l !== 'id_version' && !covered.has(l));
    assert.deepEqual(missing, [], `fields of the canonical parameters with no mutation: ${missing.join(', ')}`);
    const seen = new Map<string, string>([[id0, 'the base']]);
    for (const m of base.mutations) {
      const raw = structuredClone(base.raw);
      m.edit(raw, dir);
      const id = idOf(raw, dir);
      assert.notEqual(id, id0, `${m.name} kept the trial id`);
      assert.ok(!seen.has(id) || seen.get(id) === m.name, `${m.name} gave the same id as ${seen.get(id)}`);
      seen.set(id, m.name);
    }
  });
}

test('name, output, execution.* and spellings of the same value keep the trial id', () => {
  const dir = freshDir();
  for (const base of BASES) {
    const id0 = idOf(base.raw, dir);
    const same: [string, (r: Raw) => void][] = [
      ['name', set('name', 'another-name')],
      ['output', set('output', '/somewhere/else')],
      ['execution.backend', set('execution.backend', 'cpu')],
      ['execution.max_parallel', set('execution.max_parallel', 64)],
      ['execution.retries', set('execution.retries', 0)],
      ['execution.trial_timeout', set('execution.trial_timeout', '2h')],
      [
        'explicit defaults',
        (r) => ((r.model.parameterization = 'ntk'), (r.dataset.seed ??= 0), (r.model.b_std ??= 0.1)),
      ],
      ['key order', (r) => (r.model = Object.fromEntries(Object.entries(r.model).reverse()))],
      ['1 written as 1.0', set('train.lr', 0.5)],
    ];
    for (const [what, edit] of same) {
      const raw = structuredClone(base.raw);
      edit(raw);
      assert.equal(idOf(raw, dir), id0, `${base.name}: ${what} changed the trial id`);
    }
  }
  // 30m and 1800 (seconds) are one timeout; 1.0 and 1 one number (YAML text, not a tree).
  const text = (lr: string, timeout: string) =>
    `model: { width: 8 }\ntrain: { lr: ${lr} }\nexecution: { trial_timeout: ${timeout} }\n`;
  assert.equal(
    trialIdOf(parseConfig(text('1.0', '30m'), 'a.yaml').config),
    trialIdOf(parseConfig(text('1', '1800'), 'b.yaml').config),
  );
});

test('a teacher or linear target seed defaults to the data seed: writing it out keeps the id', () => {
  const dir = freshDir();
  const raw: Raw = { dataset: { seed: 6, target: { kind: 'linear' } }, model: { width: 8 } };
  const explicit = structuredClone(raw);
  explicit.dataset.target.seed = 6;
  assert.equal(idOf(raw, dir), idOf(explicit, dir));
  explicit.dataset.target.seed = 7;
  assert.notEqual(idOf(raw, dir), idOf(explicit, dir));
});

test('a CSV file moved or renamed keeps the id; edited, it changes', () => {
  const dir = freshDir();
  const raw = BASES[3].raw;
  copyFileSync(path.join(dir, 'd.csv'), path.join(dir, 'renamed.csv'));
  const moved = structuredClone(raw);
  moved.dataset.path = 'renamed.csv';
  assert.equal(idOf(moved, dir), idOf(raw, dir));
  const other = freshDir();
  assert.equal(idOf(raw, other), idOf(raw, dir)); // another folder, same bytes
  writeFileSync(path.join(other, 'd.csv'), `${CSV}9,9,9,9\n`);
  assert.notEqual(idOf(raw, other), idOf(raw, dir));
});

test('the analytic id follows the inputs, probe and network shape, not width (ntk), seed, lr, steps, outputs or targets', () => {
  const dir = freshDir();
  const base = BASES[0].raw;
  const aid = (edit?: (r: Raw) => void): string => {
    const raw = structuredClone(base);
    edit?.(raw);
    return analyticIdOf(load(raw, dir).config);
  };
  const a0 = aid();
  const same: [string, (r: Raw) => void][] = [
    ['width', set('model.width', 4096)],
    ['weight seed', set('seed', 11)],
    ['lr', set('train.lr', 2)],
    ['steps', set('train.steps', 70)],
    ['snapshots', set('ntk.snapshots', [0])],
    ['outputs', set('model.outputs', 2)],
    ['target', set('dataset.target', { kind: 'sin', freq: 9 })],
    ['execution', set('execution.backend', 'cpu')],
  ];
  for (const [what, edit] of same) assert.equal(aid(edit), a0, `${what} changed the analytic id`);
  const differ: [string, (r: Raw) => void][] = [
    ['depth', set('model.depth', 3)],
    ['activation', set('model.activation', 'relu')],
    ['w_std', set('model.w_std', 1.4)],
    ['b_std', set('model.b_std', 0.2)],
    ['parameterization', set('model.parameterization', 'standard')],
    ['n_train', set('dataset.n_train', 20)],
    ['n_test', set('dataset.n_test', 4)],
    ['data seed', set('dataset.seed', 8)],
    ['probe', set('ntk.probe.n', 24)],
    ['dataset kind', (r) => Object.assign(r.dataset, { kind: 'sphere', dim: 2 })],
  ];
  for (const [what, edit] of differ) assert.notEqual(aid(edit), a0, `${what} kept the analytic id`);
  // In the standard parameterization the NTK grows with the width, so the width counts there.
  const std = (w: number) => aid((r) => ((r.model.parameterization = 'standard'), (r.model.width = w)));
  assert.notEqual(std(32), std(64));
});

test('the sweep id is name-<8 hex>: it follows the grid and the trials, not execution', () => {
  const dir = freshDir();
  const raw: Raw = {
    name: 'sw',
    model: { depth: 1 },
    grid: { width: [8, 16], seed: { range: [0, 3] } },
    execution: { max_parallel: 2 },
  };
  const sid = (edit?: (r: Raw) => void): string => {
    const r = structuredClone(raw);
    edit?.(r);
    return sweepIdOf(load(r, dir));
  };
  const s0 = sid();
  assert.match(s0, /^sw-[0-9a-f]{8}$/);
  assert.equal(
    sid((r) => (r.execution = { max_parallel: 9, backend: 'cpu', retries: 0 })),
    s0,
  );
  assert.notEqual(
    sid((r) => (r.grid.width = [8, 32])),
    s0,
  );
  assert.notEqual(
    sid((r) => (r.grid.seed = { range: [0, 4] })),
    s0,
  );
  assert.notEqual(
    sid((r) => (r.train = { lr: 0.5 })),
    s0,
  );
  assert.notEqual(
    sid((r) => (r.output = 'runs/elsewhere')),
    s0,
  );
  assert.match(
    sid((r) => (r.name = 'other')),
    /^other-[0-9a-f]{8}$/,
  );
});
