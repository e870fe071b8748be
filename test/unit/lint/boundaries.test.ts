/**
 * The layer boundaries of docs/architecture.md are kept by scripts/eslint.config.js: a forbidden import
 * planted at a path inside a layer (the sources in test/fixtures/lint/) is reported, whether a
 * static import or an `import()`, and the imports a layer may make are not.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { ROOT } from '../../helpers/python.js';

/** The rules that keep the boundaries: static imports, and `import()` (loaded on use). */
const RULES = new Set(['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax']);

// The planted files do not exist at the paths they are linted as, so the type-aware rules (which
// need them in a TypeScript project) are off; the import rules need no types.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: path.join(ROOT, 'scripts', 'eslint.config.js'),
  overrideConfig: {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
  },
});

/** The boundary messages for fixture `name` linted as if it were `asPath`. */
async function restrictedImports(name: string, asPath: string): Promise<string[]> {
  const code = readFileSync(path.join(ROOT, 'test', 'fixtures', 'lint', `${name}.ts.txt`), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, asPath) });
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], 'the planted file parses');
  return result.messages.filter((m) => m.ruleId !== null && RULES.has(m.ruleId)).map((m) => m.message);
}

test('a workflow importing a Node built-in is reported', async () => {
  const found = await restrictedImports('workflow-node-builtin', 'workflows/planted.ts');
  assert.equal(found.length, 1);
  assert.match(found[0], /'node:fs'.*no Node built-ins/);
});

test('a workflow importing core runtime code is reported; importing its types is not', async () => {
  const runtime = await restrictedImports('workflow-core-runtime', 'workflows/planted.ts');
  assert.equal(runtime.length, 1);
  assert.match(runtime[0], /only types from src/);
  assert.deepEqual(await restrictedImports('workflow-core-types', 'workflows/planted.ts'), []);
});

test('the core importing Temporal or orchestration is reported', async () => {
  const temporal = await restrictedImports('core-temporal', 'src/planted.ts');
  assert.equal(temporal.length, 1);
  assert.match(temporal[0], /never imports Temporal/);
  const orchestration = await restrictedImports('core-orchestration', 'src/config/planted.ts');
  assert.equal(orchestration.length, 1);
  assert.match(orchestration[0], /layers above it/);
});

test('the core loading Temporal or orchestration on use, with import(), is reported', async () => {
  const temporal = await restrictedImports('core-dynamic-temporal', 'src/planted.ts');
  assert.equal(temporal.length, 1);
  assert.match(temporal[0], /never imports Temporal/);
  const orchestration = await restrictedImports('core-dynamic-orchestration', 'src/config/planted.ts');
  assert.equal(orchestration.length, 1);
  assert.match(orchestration[0], /layers above it/);
  assert.deepEqual(await restrictedImports('core-dynamic-orchestration', 'cli/commands/planted.ts'), []);
});

test('the core importing the core and Node is not reported', async () => {
  assert.deepEqual(await restrictedImports('core-within', 'src/config/planted.ts'), []);
});

test('an activity importing orchestration is reported; the same import from the CLI is not', async () => {
  const found = await restrictedImports('activity-orchestration', 'activities/planted.ts');
  assert.equal(found.length, 1);
  assert.match(found[0], /activities\/ stay thin/);
  assert.deepEqual(await restrictedImports('activity-orchestration', 'cli/planted.ts'), []);
});
