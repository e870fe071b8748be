/**
 * Fuzzing the config loader: valid configs mutated at random (seeded, a fixed number of cases) —
 * on the YAML text (garbage characters, deleted spans, duplicated or swapped lines, truncation,
 * odd numbers) and on the parsed tree (deleted, moved or misspelt keys, changed types, swapped
 * values, huge/negative/NaN/inf numbers, deep nesting, random grid axes). Loading, expanding and
 * hashing must either succeed or throw a ConfigError whose every problem is located
 * (file, line ≥ 1 within the text, column ≥ 1) and worded (no "undefined" or "[object …]").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { expandGrid, resolvePoint, trialCount } from '../../../src/config/expand.js';
import { analyticIdOf, canonicalParams, sweepIdOf } from '../../../src/config/ids.js';
import { parseConfig } from '../../../src/config/loader.js';
import { ConfigError } from '../../../src/errors.js';
import { makeRng, type Rng } from '../../../src/rng.js';
import { ROOT } from '../../helpers/python.js';

/** Fixed in CI; CONFIG_FUZZ_SEED / CONFIG_FUZZ_CASES explore further by hand. */
const CASES = Number(process.env.CONFIG_FUZZ_CASES ?? 2000);
const SEED = Number(process.env.CONFIG_FUZZ_SEED ?? 20240917);
const FILE = 'fuzz.yaml';

const dir = mkdtempSync(path.join(tmpdir(), 'ntk-fuzz-'));
writeFileSync(path.join(dir, 'd.csv'), 'a,b,y\n0.5,1.5,1\n-1,2,0\n3,0.25,1\n2,2,0\n');

const SEEDS: string[] = [
  readFileSync(path.join(ROOT, 'configs', 'quickstart.yaml'), 'utf8'),
  readFileSync(path.join(ROOT, 'test', 'fixtures', 'ids', 'golden.yaml'), 'utf8'),
  `name: relu-width
dataset: { kind: circle, n_train: 64, n_test: 64, target: { kind: sin, freq: 3 } }
model:   { activation: relu, parameterization: ntk, w_std: 1.4142, b_std: 0.1, outputs: 1 }
grid:
  width: [64, 128, 256]
  depth: [1, 2, 3]
  lr: [0.5, 1.0]
  seed: { range: [0, 4] }
train:   { steps: 100, log_every: 10 }
ntk:     { snapshots: [0, 10, 100], analytic: true, predictions: true, probe: { kind: circle, n: 16 } }
execution: { backend: auto, max_parallel: 4, retries: 3, trial_timeout: 30m }
output: runs/relu-width
`,
  `dataset:
  kind: csv
  n_train: 3
  n_test: 1
  features: [a, b]
  target: { kind: column, column: y }
model: { width: 8 }
grid:
  dataset.path: [d.csv]
  train.lr: { range: [0.1, 0.5, 0.2] }
`,
  `dataset: { kind: gaussian, dim: 3, scale: 2, target: { kind: teacher, width: 32, depth: 2 } }
model: { width: 16, outputs: 2 }
grid:
  dataset.seed: [0, 1]
  dataset.target.seed: { range: [5, 7] }
  model.activation: [erf, tanh, gelu]
train: { steps: 0 }
`,
  'model: { width: 8 }\n',
];

// ---- mutations --------------------------------------------------------------------------------

const GARBAGE = [
  ':',
  '-',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '#',
  '&',
  '*',
  '!',
  '!!',
  '|',
  '>',
  '%',
  '@',
  '`',
  '\t',
  '\n',
  ' ',
  '\0',
  'é',
  '\uFEFF',
  '\uD800',
  'a',
  '0',
  ',',
  '?',
  '.',
  '---',
  '...',
  '<<',
  '~',
  '\r',
  '\\',
  'ω',
];
const ODD_NUMBERS = [
  '1e400',
  '-1',
  '.nan',
  '.inf',
  '-.inf',
  '-0',
  '0x10',
  '0o17',
  '1_000',
  '9007199254740993',
  '1e-400',
  "'12'",
  '4294967296',
  '2.5',
  '0',
  '1e308',
  '-1e308',
  '.5',
  '+3',
  'null',
  '~',
  'true',
  '""',
];
const AXES = [
  'width',
  'depth',
  'lr',
  'seed',
  'model.activation',
  'dataset.n_train',
  'dataset.dim',
  'dataset.path',
  'dataset.target.freq',
  'model.outputs',
  'train.steps',
  'widths',
  'dataset.kind',
  'execution.backend',
  'model',
  '__proto__',
  'constructor',
];

const int = (rng: Rng, n: number): number => Math.floor(rng.uniform() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

function textMutation(rng: Rng, text: string): string {
  const at = int(rng, text.length + 1);
  const lines = text.split('\n');
  const li = int(rng, lines.length);
  switch (int(rng, 8)) {
    case 0: {
      let g = '';
      for (let i = 1 + int(rng, 3); i > 0; i--) g += pick(rng, GARBAGE);
      return text.slice(0, at) + g + text.slice(at);
    }
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + int(rng, 12));
    case 2:
      lines.splice(li, 0, lines[li]);
      return lines.join('\n');
    case 3: {
      const lj = int(rng, lines.length);
      [lines[li], lines[lj]] = [lines[lj], lines[li]];
      return lines.join('\n');
    }
    case 4:
      return text.slice(0, at);
    case 5:
      lines[li] = rng.uniform() < 0.5 ? ` ${lines[li]}` : lines[li].replace(/^ /, '');
      return lines.join('\n');
    case 6: {
      const numbers = [...text.matchAll(/-?\d+(\.\d+)?/g)];
      if (numbers.length === 0) return text;
      const m = pick(rng, numbers);
      return text.slice(0, m.index) + pick(rng, ODD_NUMBERS) + text.slice(m.index! + m[0].length);
    }
    default:
      return (
        text.slice(0, at) +
        pick(rng, ['\n  ', ': ', '- ', ' # ', '\n---\n', '&a ', '*a', '!!str ', '!x ']) +
        text.slice(at)
      );
  }
}

type Tree = unknown;

/** Every (parent, key) in the tree, to pick from. */
function slots(t: Tree, out: [Record<string | number, unknown>, string | number][] = []): typeof out {
  if (typeof t === 'object' && t !== null) {
    for (const k of Object.keys(t)) {
      const key = Array.isArray(t) ? Number(k) : k;
      out.push([t as Record<string | number, unknown>, key]);
      slots((t as Record<string, unknown>)[k], out);
    }
  }
  return out;
}

function oddValue(rng: Rng): unknown {
  const vs: unknown[] = [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -1,
    0,
    -0,
    1e308,
    2 ** 53 + 2,
    2 ** 32,
    1e-320,
    0.5,
    'relu',
    '',
    'a/b',
    '..',
    '../x',
    'x'.repeat(300),
    true,
    false,
    null,
    [],
    {},
    [1, 2],
    { range: [0, 3] },
    { kind: 'circle' },
    { range: [0, 1e9] },
    { range: [1, 0.5, 1e-12] },
  ];
  return pick(rng, vs);
}

function nest(rng: Rng, v: unknown): unknown {
  let out = v;
  for (let i = 20 + int(rng, 180); i > 0; i--)
    out = rng.uniform() < 0.5 ? [out] : { [pick(rng, ['a', 'width', 'kind', 'range'])]: out };
  return out;
}

function treeMutation(rng: Rng, tree: Tree): Tree {
  if (typeof tree !== 'object' || tree === null) return { model: tree };
  const all = slots(tree);
  if (all.length === 0) return tree;
  const [parent, key] = pick(rng, all);
  switch (int(rng, 9)) {
    case 0:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 1: {
      // Move or copy the key somewhere else.
      const [other] = pick(rng, all);
      if (!Array.isArray(other)) other[String(key)] = structuredClone(parent[key]);
      if (rng.uniform() < 0.5 && !Array.isArray(parent)) delete parent[key];
      break;
    }
    case 2: {
      const v = parent[key];
      parent[key] =
        typeof v === 'number'
          ? String(v)
          : typeof v === 'string'
            ? [v]
            : Array.isArray(v)
              ? { v }
              : v === null
                ? 0
                : typeof v === 'object'
                  ? 'text'
                  : null;
      break;
    }
    case 3: {
      const [p2, k2] = pick(rng, all);
      [parent[key], p2[k2]] = [p2[k2], parent[key]];
      break;
    }
    case 4:
    case 5:
      parent[key] = oddValue(rng);
      break;
    case 6:
      parent[key] = nest(rng, parent[key]);
      break;
    case 7: {
      const t = tree as Record<string, unknown>;
      const grid =
        typeof t.grid === 'object' && t.grid !== null && !Array.isArray(t.grid)
          ? (t.grid as Record<string, unknown>)
          : (t.grid = {});
      grid[pick(rng, AXES)] = rng.uniform() < 0.5 ? [oddValue(rng), oddValue(rng)] : oddValue(rng);
      break;
    }
    default:
      if (!Array.isArray(parent)) {
        const v = parent[key];
        delete parent[key];
        parent[`${String(key)}${pick(rng, ['s', '_', 'x', ''])}`.replace(/^(.)(.)/, '$2$1')] = v;
      }
  }
  return tree;
}

function mutate(rng: Rng, text: string): string {
  let out = text;
  for (let n = 1 + int(rng, 3); n > 0; n--) {
    if (rng.uniform() < 0.5) {
      out = textMutation(rng, out);
    } else {
      let tree: Tree;
      try {
        tree = parse(out, { logLevel: 'silent' });
      } catch {
        out = textMutation(rng, out); // already not YAML: keep mutating the text
        continue;
      }
      out = stringify(treeMutation(rng, tree));
    }
  }
  return out;
}

// ---- the property -----------------------------------------------------------------------------

/** Loads, expands and hashes as the CLI and the planner do; returns what happened. */
function exercise(text: string): 'ok' | 'config-error' {
  try {
    const loaded = parseConfig(text, FILE, dir);
    sweepIdOf(loaded);
    if (trialCount(loaded) <= 20_000) {
      const points = expandGrid(loaded);
      for (const p of [points[0], points[points.length - 1]]) {
        const c = resolvePoint(loaded, p);
        canonicalParams(c);
        analyticIdOf(c);
      }
    } else {
      assert.throws(() => expandGrid(loaded), ConfigError);
    }
    return 'ok';
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const lines = text.split(/\r\n|\r|\n/).length;
    assert.ok(e.problems.length > 0, 'a ConfigError with no problems');
    for (const p of e.problems) {
      assert.equal(p.file, FILE);
      assert.ok(
        Number.isInteger(p.line) && p.line >= 1 && p.line <= lines + 1,
        `line ${p.line} of ${lines}: ${p.message}`,
      );
      assert.ok(Number.isInteger(p.column) && p.column >= 1, `column ${p.column}: ${p.message}`);
      assert.equal(typeof p.path, 'string');
      assert.ok(typeof p.message === 'string' && p.message.length > 0, 'an empty message');
      assert.doesNotMatch(p.message, /undefined|\[object |expected expected/, `a garbled message: ${p.message}`);
    }
    return 'config-error';
  }
}

test(`fuzz: ${CASES} mutated configs load or fail with located ConfigErrors only`, (t) => {
  const rng = makeRng(SEED, 'config-fuzz');
  const outcomes = { ok: 0, 'config-error': 0 };
  for (let i = 0; i < CASES; i++) {
    const text = mutate(rng, pick(rng, SEEDS));
    try {
      outcomes[exercise(text)]++;
    } catch (e) {
      assert.fail(`case ${i} (seed ${SEED}): ${(e as Error).stack ?? String(e)}\n--- config ---\n${text}`);
    }
  }
  t.diagnostic(`outcomes: ${JSON.stringify(outcomes)}`);
  // Both outcomes occur (the mutations neither always break nor never break the config).
  assert.ok(outcomes.ok > CASES / 20 && outcomes['config-error'] > CASES / 4, JSON.stringify(outcomes));
});

test('the seed configs are valid as they are', () => {
  for (const text of SEEDS) assert.equal(exercise(text), 'ok');
});
