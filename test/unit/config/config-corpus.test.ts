/**
 * The corpus of broken configs (test/config-corpus/NAME.yaml) against their expected messages
 * (NAME.expected: the exact stderr lines of `ntk-sweep validate`, file:line:column included;
 * `{CORPUS}` stands for the corpus folder's absolute path, `{ACTIVATIONS}` for the list of activation names). Every case goes through the loader and
 * the grid expansion, as `validate` does; a handful also through the real CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ACTIVATIONS } from '../../../src/activations/index.js';
import { expandGrid } from '../../../src/config/expand.js';
import { parseConfig } from '../../../src/config/loader.js';
import { ConfigError, formatProblem } from '../../../src/errors.js';
import { runCli } from '../../cli/run-cli.js';
import { ROOT } from '../../helpers/python.js';

const CORPUS = path.join(ROOT, 'test', 'config-corpus');
const REL = 'test/config-corpus';

const cases = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();

function expectedLines(name: string): string[] {
  const text = readFileSync(path.join(CORPUS, `${name}.expected`), 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('{CORPUS}').join(CORPUS).split('{ACTIVATIONS}').join(ACTIVATIONS.join(', ')));
}

/** What validate prints for a config: its problems, one line each (the file named as the CLI names it). */
function problemLines(name: string): string[] {
  const text = readFileSync(path.join(CORPUS, `${name}.yaml`), 'utf8');
  try {
    expandGrid(parseConfig(text, `${REL}/${name}.yaml`, CORPUS));
  } catch (e) {
    assert.ok(e instanceof ConfigError, `${name}: expected a ConfigError, got ${(e as Error)?.stack ?? String(e)}`);
    return e.problems.map(formatProblem);
  }
  assert.fail(`${name}: the config was accepted`);
}

test('the corpus holds at least 30 broken configs, each with its expected message', () => {
  assert.ok(cases.length >= 30, `only ${cases.length} cases`);
  const expected = readdirSync(CORPUS).filter((f) => f.endsWith('.expected'));
  assert.deepEqual(expected.map((f) => f.slice(0, -'.expected'.length)).sort(), cases);
});

for (const name of cases) {
  test(`corpus: ${name}`, () => {
    const want = expectedLines(name);
    assert.ok(want.length > 0, `${name}.expected is empty`);
    assert.deepEqual(problemLines(name), want);
  });
}

const CLI_CASES = [
  'syntax-unclosed-list',
  'many-problems-at-once',
  'name-dotdot',
  'csv-missing-file',
  'csv-same-file-twice',
  'grid-too-many-trials',
];

test('the real CLI: validate prints exactly the expected lines on stderr, nothing on stdout, exit 2', () => {
  for (const name of CLI_CASES) {
    const r = runCli(['validate', `${REL}/${name}.yaml`, '--format', 'json']);
    assert.equal(r.status, 2, `${name}: exit ${r.status}\n${r.stderr}`);
    assert.equal(r.stdout, '', name);
    assert.deepEqual(
      r.stderr.split('\n').filter((l) => l !== ''),
      expectedLines(name),
      name,
    );
  }
});

test('the real CLI: --yes accepts the grid of more than 100 000 trials', () => {
  const r = runCli(['validate', `${REL}/grid-too-many-trials.yaml`, '--yes']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^trials: 120000$/m);
  assert.match(r.stdout, /^ {2}width \(model\.width\): 1, 2, 3, .*, 399, 400 {2}\[400 values\]$/m);
});
