/**
 * Bad input to `ntk-sweep kernel` (docs/design.md §11), spawning the real CLI: each problem one clear line
 * on stderr at its exact file:line:column where it has one, exit code 2, no stack trace, and no
 * output file (nor temporary file) written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT } from '../helpers/python.js';
import { listing, outDir, runCli } from './run-cli.js';
import { ACTIVATIONS } from '../../src/activations/index.js';

const F = 'test/fixtures/cli';

/** Runs the command writing into a fresh folder; asserts exit 2, no stack, nothing written; returns stderr lines. */
function fails(args: string[]): string[] {
  const dir = outDir();
  const backend = args.includes('--backend') ? [] : ['--backend', 'wasm'];
  const r = runCli(['kernel', ...args, ...backend, '--out', path.join(dir, 'k.parquet')]);
  assert.equal(r.status, 2, `exit ${r.status}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.deepEqual(listing(dir), [], 'nothing written');
  assert.equal(r.stdout, '');
  return r.stderr
    .trimEnd()
    .split('\n')
    .filter((l) => !l.startsWith('note: '));
}

test('malformed YAML and duplicate keys', () => {
  assert.deepEqual(fails([`${F}/bad-yaml.yaml`]), [
    `${F}/bad-yaml.yaml:4:3: malformed YAML: flow sequence in block collection must be sufficiently indented and end with a ]`,
  ]);
  assert.deepEqual(fails([`${F}/duplicate-key.yaml`]), [
    `${F}/duplicate-key.yaml:4:3: duplicate key (each key may appear once in a mapping)`,
  ]);
});

test('unknown fields, with did-you-mean', () => {
  assert.deepEqual(fails([`${F}/unknown-fields.yaml`]), [
    `${F}/unknown-fields.yaml:4:3: model.dpeth: unknown field 'dpeth' in model (did you mean 'depth'?)`,
    `${F}/unknown-fields.yaml:5:1: trian: unknown field 'trian' (did you mean 'train'?)`,
  ]);
});

test('unknown activation, with did-you-mean', () => {
  assert.deepEqual(fails([`${F}/bad-activation.yaml`]), [
    `${F}/bad-activation.yaml:4:15: model.activation: expected one of ${ACTIVATIONS.join(', ')}, found 'rleu' (did you mean 'relu'?)`,
  ]);
});

test('non-positive width, depth and lr: in the config, in the grid, and as flags', () => {
  assert.deepEqual(fails([`${F}/non-positive.yaml`]), [
    `${F}/non-positive.yaml:2:17: model.width: expected a positive integer, found 0`,
    `${F}/non-positive.yaml:2:27: model.depth: expected a positive integer, found -1`,
    `${F}/non-positive.yaml:4:7: train.lr: expected a positive number, found -0.5`,
  ]);
  assert.deepEqual(fails([`${F}/bad-grid.yaml`]), [
    `${F}/bad-grid.yaml:4:15: grid.width: expected a positive integer, found -128`,
  ]);
  assert.deepEqual(fails([`${F}/tiny.yaml`, '--width', '0', '--depth', '-1', '--lr', '-0.5', '--steps', '-3']), [
    '--width: model.width: expected a positive integer, found 0',
    '--depth: model.depth: expected a positive integer, found -1',
    '--lr: train.lr: expected a positive number, found -0.5',
    '--steps: train.steps: expected a non-negative integer, found -3',
  ]);
  assert.deepEqual(fails([`${F}/tiny.yaml`, '--width', '64.5']), [
    '--width: model.width: expected a positive integer, found 64.5',
  ]);
});

test('missing, malformed and NaN-holding CSV files', () => {
  const abs = path.join(ROOT, F, 'data', 'nowhere.csv');
  assert.deepEqual(fails([`${F}/missing-csv.yaml`]), [
    `${F}/missing-csv.yaml:4:9: dataset.path: no such file: data/nowhere.csv (looked for ${abs})`,
  ]);
  assert.deepEqual(fails([`${F}/malformed-csv.yaml`]), [
    `${F}/data/malformed.csv:3:8: malformed row: 2 cells, but the header has 3 columns`,
  ]);
  assert.deepEqual(fails([`${F}/nan-csv.yaml`]), [
    `${F}/data/nan.csv:4:6: column 'x2': expected a finite number, found 'NaN'`,
  ]);
});

test('bad command lines: unknown flag, a non-number for a numeric flag, unknown backend, missing config file, missing --out, unwritable output', () => {
  assert.deepEqual(fails([`${F}/tiny.yaml`, '--widht', '64']), ['ntk-sweep: Unknown argument: widht']);
  assert.deepEqual(fails([`${F}/tiny.yaml`, '--steps', 'ten', '--width', '6e']), [
    "ntk-sweep: --steps: expected a number, found 'ten'",
    "ntk-sweep: --width: expected a number, found '6e'",
  ]);
  assert.deepEqual(fails(['test/fixtures/cli/none.yaml']), [
    'test/fixtures/cli/none.yaml:1:1: cannot read the config: no such file',
  ]);
  assert.deepEqual(fails([`${F}/tiny.yaml`, '--backend', 'gpu']), [
    'ntk-sweep: Invalid values:',
    '  Argument: backend, Given: "gpu", Choices: "auto", "webgpu", "tensorflow", "wasm", "cpu"',
  ]);

  const noOut = runCli(['kernel', `${F}/tiny.yaml`]);
  assert.equal(noOut.status, 2);
  assert.equal(
    noOut.stderr.trim(),
    'ntk-sweep kernel: --out FILE.parquet is required (or print JSON with --format json)',
  );

  const dir = outDir();
  const missing = path.join(dir, 'no-such-folder', 'k.parquet');
  const r = runCli(['kernel', `${F}/tiny.yaml`, '--out', missing, '--backend', 'wasm']);
  assert.equal(r.status, 2);
  assert.match(
    r.stderr,
    new RegExp(`cannot write ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the folder .* does not exist`),
  );
  assert.deepEqual(listing(dir), []);
});
