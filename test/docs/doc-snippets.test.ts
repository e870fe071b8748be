/**
 * Every shell and Python block of README.md and docs/*.md runs (test/docs/snippets.ts), so the
 * docs cannot drift from the CLI and the tables. Placeholders resolve in a work folder: `sweep.yaml`
 * is a small real config, and `runs/NAME`, `runs/quickstart`, `runs/x` are its run folder, made
 * once by `ntk-sweep run` and shared by every block. Blocks that cannot run here carry a skip
 * marker with the reason, and are reported as skipped with it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/python.js';
import { cliShims, runSnippet, snippetsOf } from './snippets.js';

const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/** A sweep of 4 tiny trials; its grid holds the points the docs name (width 512, seed 0). */
const SWEEP = `name: small
dataset: { kind: circle, n_train: 8, n_test: 8, seed: 0, target: { kind: sin, freq: 2 } }
model: { activation: relu, parameterization: ntk, w_std: 1.4142, b_std: 0.1, outputs: 1 }
grid:
  width: [16, 512]
  seed: [0, 1]
train: { lr: 0.5, steps: 20, log_every: 10 }
ntk: { snapshots: [0, 20], analytic: true, predictions: true }
execution: { backend: wasm, max_parallel: 2, retries: 0, trial_timeout: 2m }
output: runs/small
`;

/** The work folder: the config, its run folder and the names the docs use for it. */
function workFolder(): { dir: string; bin: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-docs-'));
  writeFileSync(path.join(dir, 'sweep.yaml'), SWEEP);
  symlinkSync(path.join(ROOT, 'configs'), path.join(dir, 'configs'));
  symlinkSync(path.join(ROOT, 'scripts'), path.join(dir, 'scripts'));
  const bin = cliShims(dir);
  const ran = spawnSync(
    process.execPath,
    [path.join(ROOT, 'bin', 'ntk-sweep.js'), 'run', 'sweep.yaml', '--progress', 'lines'],
    {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 300_000,
    },
  );
  assert.equal(ran.status, 0, `the shared run folder could not be made:\n${ran.stderr}`);
  mkdirSync(path.join(dir, 'runs'), { recursive: true });
  for (const alias of ['NAME', 'quickstart', 'x']) symlinkSync('small', path.join(dir, 'runs', alias));
  return { dir, bin };
}

describe('the docs’ code blocks run', () => {
  let work: { dir: string; bin: string };
  before(() => (work = workFolder()));
  after(() => work && rmSync(work.dir, { recursive: true, force: true }));

  for (const doc of DOCS) {
    for (const s of snippetsOf(path.join(ROOT, doc), doc)) {
      it(`${s.file}:${s.line} (${s.lang})`, { skip: s.skip }, () => {
        const r = runSnippet(s, work.dir, work.bin);
        assert.ok(r.ok, r.report);
      });
    }
  }
});

describe('the doc test itself', () => {
  const fixture = path.join(ROOT, 'test', 'docs', 'fixtures', 'planted.md');
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-docs-planted-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fails on a planted broken snippet, naming the file, the line and the output', () => {
    const bin = cliShims(dir);
    const snippets = snippetsOf(fixture, 'test/docs/fixtures/planted.md');
    assert.deepEqual(
      snippets.map((s) => [s.line, s.lang, s.skip]),
      [
        [3, 'sh', undefined],
        [7, 'sh', undefined],
        [13, 'python', undefined],
        [19, 'sh', 'shows the marker: this block is not run'],
      ],
    );
    const [fine, badSh, badPy] = snippets.map((s) => runSnippet(s, dir, bin));
    assert.ok(fine.ok, fine.report);
    assert.ok(!badSh.ok, 'the broken shell block fails');
    assert.match(badSh.report, /^test\/docs\/fixtures\/planted\.md:7 \(sh\): exit 2/);
    assert.match(badSh.report, /doc-test: failed at test\/docs\/fixtures\/planted\.md:9/); // the failing command's line
    assert.match(badSh.report, /no-such-file\.yaml/); // the CLI's own message
    assert.doesNotMatch(badSh.report.split('--- output')[1], /never printed/); // it stopped at the failing line
    assert.ok(!badPy.ok, 'the broken Python block fails');
    assert.match(badPy.report, /^test\/docs\/fixtures\/planted\.md:13 \(python\): exit 1/);
    assert.match(badPy.report, /planted\.md-line-13\.py", line 2/);
    assert.match(badPy.report, /FileNotFoundError|No such file/);
  });
});
