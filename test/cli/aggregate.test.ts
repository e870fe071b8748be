/**
 * `ntk-sweep aggregate RUN_DIR`: writes summary and fits from the Parquet files of a run folder
 * (written by the real writer) and prints what it wrote with the kernel's slopes; refuses folders
 * without trials and bad flags with exit 2 and one line, writing nothing.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readFits } from '../../src/aggregate/index.js';
import { listing, runCli } from './run-cli.js';
import { removeTempFolders, tempFolder, writeStudy } from '../helpers/width-study.js';

after(removeTempFolders);

test('aggregate writes summary and fits and prints the slopes', async () => {
  const run = await writeStudy({
    widths: [64, 256, 1024],
    seeds: [0, 1, 2],
    snapshots: [0, 20],
    curves: (p, step, snap) => ({ kernel_rel_err: snap ? p.width ** -0.5 * (1 + 0.1 * (p.seed - 1)) : null }),
  });
  const r = runCli(['aggregate', run, '--resamples', '200']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^trials: 9 \(9 ok, 0 failed, 0 diverged/m);
  assert.match(r.stdout, /summary: \d+ rows → .*summary\.parquet/);
  assert.match(r.stdout, /all, kernel_rel_err at step 0: slope -0\.500 \[-0\.5\d\d, -0\.4\d\d\], R² 1\.000, 3 widths/);
  const fits = await readFits(run, "metric = 'kernel_rel_err'");
  assert.equal(fits.length, 2);
  assert.ok(fits.every((f) => f.bootstrap_resamples === 200));
});

test('aggregate refuses a folder without trials, and bad flags, with exit 2', () => {
  const empty = tempFolder('ntk-agg-cli-');
  const r = runCli(['aggregate', empty]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no trials table/);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.deepEqual(listing(empty), []);
  const bad = runCli(['aggregate', empty, '--resamples', '0']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--resamples must be a positive integer/);
  assert.ok(!existsSync(path.join(empty, 'summary')));
});
