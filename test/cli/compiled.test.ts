/**
 * bin/ntk-sweep.js runs the compiled dist/ (`npm run build`, scripts/build.mjs) only while it is a
 * build of the sources as they are, and the sources through tsx otherwise; bin/compiled.js decides.
 * Shown on a copy of the project (sources, bin, scripts; node_modules linked) so that building and
 * editing never touch the checkout under test: the compiled CLI answers as the sources do; an edit
 * is seen at once (dist/ is not used); a changed mtime with the same contents keeps dist/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/python.js';
import { FIXTURES } from '../integration/helpers/cli.js';

const copy = mkdtempSync(path.join(tmpdir(), 'ntk-compiled-'));
after(() => rmSync(copy, { recursive: true, force: true }));

before(async () => {
  // The folders the build compiles, from the module that decides (a .js file, so imported by path).
  const { SOURCE_DIRS } = (await import(path.join(ROOT, 'bin', 'compiled.js'))) as { SOURCE_DIRS: string[] };
  for (const p of [...SOURCE_DIRS, 'bin', 'scripts', 'configs', 'package.json']) {
    cpSync(path.join(ROOT, p), path.join(copy, p), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  symlinkSync(path.join(ROOT, '.cache'), path.join(copy, '.cache'), 'dir'); // the Temporal CLI setup built
  const b = spawnSync(process.execPath, [path.join(copy, 'scripts', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
});

/** `ntk-sweep ...args` of the copy, with the line that says which code ran. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [path.join(copy, 'bin', 'ntk-sweep.js'), ...args], {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', NTK_SWEEP_FROM_SOURCE: '', ...env, NTK_SWEEP_DEBUG_START: '1' },
  });
  const [ran, ...rest] = r.stderr.split('\n');
  return { status: r.status, stdout: r.stdout, stderr: rest.join('\n'), ran };
}

test('a fresh build is what runs, and it answers as the sources do', () => {
  const compiled = cli(['validate', 'configs/quickstart.yaml', '--json']);
  assert.equal(compiled.ran, 'ntk-sweep: running dist/ (compiled)');
  assert.equal(compiled.status, 0, compiled.stderr);
  const source = cli(['validate', 'configs/quickstart.yaml', '--json'], { NTK_SWEEP_FROM_SOURCE: '1' });
  assert.equal(source.ran, 'ntk-sweep: running the sources through tsx (NTK_SWEEP_FROM_SOURCE=1)');
  assert.equal(compiled.stdout, source.stdout);
  const bad = cli(['validate', 'configs/none.yaml']);
  assert.equal(bad.ran, 'ntk-sweep: running dist/ (compiled)');
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim(), 'configs/none.yaml:1:1: cannot read the config: no such file');
});

test('new mtimes on unchanged sources keep the build; an edited, added or removed source is run from the sources', () => {
  const file = path.join(copy, 'cli', 'commands', 'validate.ts');
  const text = readFileSync(file, 'utf8');
  const later = new Date(Date.now() + 60_000);
  utimesSync(file, later, later);
  assert.equal(cli(['--help']).ran, 'ntk-sweep: running dist/ (compiled)');

  // Same size, other contents: only the hash can tell.
  writeFileSync(file, text.replace('check a sweep config', 'CHECK A SWEEP CONFIG'));
  const edited = cli(['--help']);
  assert.equal(edited.ran, 'ntk-sweep: running the sources through tsx (sources changed since the build)');
  assert.match(edited.stdout, /CHECK A SWEEP CONFIG/);
  writeFileSync(file, text);
  assert.equal(cli(['--help']).ran, 'ntk-sweep: running dist/ (compiled)');

  const extra = path.join(copy, 'src', 'extra.ts');
  writeFileSync(extra, 'export const x = 1;\n');
  assert.equal(
    cli(['--help']).ran,
    'ntk-sweep: running the sources through tsx (source files were added or removed since the build)',
  );
  rmSync(extra);
  assert.equal(cli(['--help']).ran, 'ntk-sweep: running dist/ (compiled)');

  rmSync(path.join(copy, 'dist', 'sources.json'));
  const none = cli(['--help']);
  assert.equal(none.ran, 'ntk-sweep: running the sources through tsx (no build (npm run build))');
  assert.equal(none.status, 0);
});

test('the compiled code finds the project root: its version, and the workflows a worker bundles and loads', async () => {
  const build = spawnSync(process.execPath, [path.join(copy, 'scripts', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  assert.equal(
    cli(['-V']).stdout.trim(),
    (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
  );
  const { WORKFLOWS_PATH } = (await import(path.join(copy, 'dist', 'workers', 'workflow-bundle.js'))) as {
    WORKFLOWS_PATH: string;
  };
  assert.equal(WORKFLOWS_PATH, path.join(copy, 'workflows', 'index.ts'));
  const { PROJECT_ROOT } = (await import(path.join(copy, 'dist', 'orchestration', 'temporal-cli.js'))) as {
    PROJECT_ROOT: string;
  };
  assert.equal(PROJECT_ROOT, copy);

  // The bundle a worker run from dist/ loads, made afresh (an empty cache) by the SDK's webpack.
  const cache = path.join(copy, 'bundle-cache');
  const script = `const m = await import(${JSON.stringify(path.join(copy, 'dist', 'workers', 'workflow-bundle.js'))}); console.log(await m.workflowBundlePath());`;
  const b = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NTK_SWEEP_CACHE_DIR: cache },
  });
  assert.equal(b.status, 0, b.stderr);
  const bundle = b.stdout.trim();
  assert.equal(path.dirname(bundle), path.join(cache, 'workflow-bundles'));
  assert.match(readFileSync(bundle, 'utf8'), /async function sweepWorkflow/);
});

test('a sweep run from dist/ trains its trials in executor threads started from the compiled code', () => {
  const build = spawnSync(process.execPath, [path.join(copy, 'scripts', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  cpSync(path.join(FIXTURES, 'tiny.yaml'), path.join(copy, 'tiny.yaml'));
  const r = cli(['run', 'tiny.yaml', '--executors', '2', '--format', 'json']);
  assert.match(r.ran, /dist\/ \(compiled\)/);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ok: number; total: number };
  assert.deepEqual([result.ok, result.total], [8, 8], r.stdout);
});
