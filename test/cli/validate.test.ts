/**
 * `ntk-sweep validate` on valid configs, through the real executable: the text summary and the
 * JSON trial list agree with the library (expandGrid, sweepIdOf), and nothing is written.
 * (Broken configs: test/unit/config/config-corpus.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expandGrid } from '../../src/config/expand.js';
import { sweepIdOf } from '../../src/config/ids.js';
import { loadConfig } from '../../src/config/loader.js';
import { ROOT } from '../helpers/python.js';
import { listing, outDir, runCli } from './run-cli.js';

const QUICKSTART = 'configs/quickstart.yaml';

test('validate prints the sweep id, trial count, axes, fixed settings and the resolved output folder', () => {
  const r = runCli(['validate', QUICKSTART]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const loaded = loadConfig(path.join(ROOT, QUICKSTART));
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], `sweep ${sweepIdOf(loaded)} (${QUICKSTART})`);
  assert.equal(lines[1], 'trials: 30');
  assert.deepEqual(lines.slice(2, 6), [
    'axes (3, the first varies slowest):',
    '  width (model.width): 64, 128, 256, 512, 1024  [5 values]',
    '  depth (model.depth): 1, 2  [2 values]',
    '  seed: 0, 1, 2  [3 values]',
  ]);
  assert.ok(lines.includes('  train: { lr: 1, steps: 300, log_every: 10 }'), r.stdout);
  // Gridded fields are not "fixed": the model line has no width or depth.
  assert.ok(
    lines.includes('  model: { activation: relu, parameterization: ntk, w_std: 1.4142, b_std: 0.1, outputs: 1 }'),
    r.stdout,
  );
  assert.match(
    lines[lines.length - 2],
    /^executors: 2 worker threads .*admits 2 of the largest trial \(about \d+ MiB at its peak, estimate\) at once$/,
  );
  assert.equal(lines[lines.length - 1], `output: ${path.join(ROOT, 'runs', 'quickstart')}`);
});

test('validate writes nothing, not even the output folder; a relative output is resolved against the working folder', () => {
  const dir = outDir();
  const config = path.join(dir, 'one.yaml');
  writeFileSync(config, `model: { width: 8 }\noutput: ${path.join(dir, 'run')}\n`);
  const r = runCli(['validate', config]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^trials: 1$/m);
  assert.match(r.stdout, /^axes: none \(one trial\)$/m);
  assert.match(r.stdout, new RegExp(`^output: ${path.join(dir, 'run').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  assert.deepEqual(listing(dir), ['one.yaml']);
  writeFileSync(config, 'model: { width: 8 }\noutput: relative/run\n');
  const rel = runCli(['validate', config]);
  assert.match(rel.stdout, new RegExp(`^output: ${path.join(ROOT, 'relative', 'run')}$`, 'm'));
  assert.ok(!existsSync(path.join(ROOT, 'relative')));
});

test('validate --format json lists every trial with the ids expandGrid gives', () => {
  const r = runCli(['validate', QUICKSTART, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    sweep_id: string;
    trial_count: number;
    output: string;
    axes: { name: string; field: string; values: unknown[] }[];
    trials: { index: number; trial_id: string; params: Record<string, unknown> }[];
  };
  const loaded = loadConfig(path.join(ROOT, QUICKSTART));
  const points = expandGrid(loaded);
  assert.equal(out.sweep_id, sweepIdOf(loaded));
  assert.equal(out.trial_count, 30);
  assert.equal(out.output, path.join(ROOT, 'runs', 'quickstart'));
  assert.deepEqual(out.axes[0], { name: 'width', field: 'model.width', values: [64, 128, 256, 512, 1024] });
  assert.deepEqual(
    out.trials,
    points.map((p) => ({ index: p.index, trial_id: p.trialId, params: p.params })),
  );
});
