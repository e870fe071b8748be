// ESLint (flat config, `eslint --config scripts/eslint.config.js`): typescript-eslint's recommended rules, the type-aware promise rules, and the
// layering of docs/architecture.md ("Layers and what the linter keeps") as import boundaries.
import { builtinModules } from 'node:module';
import path from 'node:path';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The repository: `npm run lint` passes this file with --config, so its patterns are relative to the root. */
const ROOT = path.resolve(import.meta.dirname, '..');

/** Folders above the core: src/ never imports them (they hold Temporal, processes and the CLI). */
const OUTER = ['connection', 'orchestration', 'workers', 'activities', 'workflows', 'executors', 'cli'];
const outerRe = (folders) => `^(\\.\\.\\/)+(${folders.join('|')})(\\/|$)`;

/** Every Node built-in module, bare and `node:`-prefixed. */
const NODE_BUILTINS = [...new Set(builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `node:${m}`]))];

/**
 * The boundaries of one folder: no-restricted-imports for static imports and, since commands load
 * their libraries on use, the same `regex` patterns for `import()` (which that rule does not see).
 */
const restricted = (patterns, paths = []) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }],
  'no-restricted-syntax': [
    'error',
    ...patterns
      .filter((p) => !p.allowTypeImports)
      .flatMap((p) =>
        (p.regex ? [p.regex] : p.group.map(globRegex)).map((re) => ({
          selector: `ImportExpression[source.value=/${re}/]`,
          message: p.message,
        })),
      ),
  ],
});

/** A package glob of `group` (`@temporalio/*`, `apache-arrow`) as the source of a regex. */
function globRegex(glob) {
  return `^${glob.replace(/[.]/g, '\\.').replace(/\//g, '\\/').replace(/\*/g, '.*')}$`;
}

const TS_FILES = ['**/*.ts'];

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'runs/',
      '.cache/',
      '.venv/',
      '.gpu/',
      'node_modules/',
      'python/',
      'test/fixtures/',
      '**/__pycache__/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: TS_FILES,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: ROOT } },
    rules: {
      // A promise nobody awaits loses its failure; `void p` marks a deliberate fire-and-forget.
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test collects test() and describe() itself; their promises are not the caller's to await.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // The core is pure: no Temporal, nothing from the layers above it (docs/architecture.md).
    files: ['src/**/*.ts'],
    rules: restricted([
      { group: ['@temporalio/*'], message: 'src/ is the pure core and never imports Temporal.' },
      {
        regex: outerRe(OUTER),
        message:
          'src/ imports nothing from the layers above it (cli/, orchestration/, connection/, workers/, activities/, workflows/, executors/).',
      },
    ]),
  },
  {
    // Workflow code is bundled for Temporal's deterministic sandbox: no I/O, no numerics libraries,
    // no core runtime code (its types are fine: they vanish at compile time).
    files: ['workflows/**/*.ts'],
    rules: restricted(
      [
        {
          group: ['@tensorflow/*', '@duckdb/*'],
          message: 'workflows/ runs in the workflow sandbox: no TensorFlow.js or DuckDB.',
        },
        {
          group: ['apache-arrow', 'apache-arrow/*', 'parquet-wasm', 'parquet-wasm/*'],
          message: 'workflows/ runs in the workflow sandbox: no Arrow or Parquet.',
        },
        // src/failure-kinds.ts is the exception: a table of names with no imports, for the retry policies.
        {
          regex: '^(\\.\\./)+src(/(?!failure-kinds\\.js$)|$)',
          allowTypeImports: true,
          message:
            'workflows/ imports only types from src/ (the sandbox must not load the core), and src/failure-kinds.js.',
        },
        {
          regex: outerRe(['activities']),
          allowTypeImports: true,
          message: "workflows/ imports only the activities' types (proxyActivities).",
        },
        {
          regex: outerRe(['connection', 'orchestration', 'workers', 'executors', 'cli']),
          message: 'workflows/ depends on no process-side layer.',
        },
      ],
      NODE_BUILTINS.map((name) => ({
        name,
        message: 'workflows/ runs in the workflow sandbox: no Node built-ins (determinism, docs/orchestration.md).',
      })),
    ),
  },
  {
    // Activities stay thin: a few lines around one core call, never the client side.
    files: ['activities/**/*.ts'],
    rules: restricted([
      {
        regex: outerRe(['orchestration', 'cli']),
        message: 'activities/ stay thin: no orchestration/ or cli/ imports.',
      },
    ]),
  },
  {
    // Reaching a Temporal server is shared by the client side and the workers: it depends on neither.
    files: ['connection/**/*.ts'],
    rules: restricted([
      {
        regex: outerRe(['orchestration', 'workers', 'activities', 'workflows', 'executors', 'cli']),
        message: 'connection/ is shared by orchestration/ and workers/ and imports neither (nor any layer above src/).',
      },
    ]),
  },
  {
    // Workers and executors serve trials; they never reach for the client side.
    files: ['workers/**/*.ts', 'executors/**/*.ts'],
    rules: restricted([
      {
        regex: outerRe(['orchestration', 'cli']),
        message:
          'workers/ and executors/ import nothing from orchestration/ (shared needs live in connection/) or cli/.',
      },
    ]),
  },
  {
    // The CLI is the top: nothing below it imports it.
    files: ['orchestration/**/*.ts'],
    rules: restricted([{ regex: outerRe(['cli']), message: 'cli/ is the top layer: nothing below it imports it.' }]),
  },
);
