/**
 * `ntk-sweep trial` end to end, spawning the real CLI: a grid point named by its id writes every
 * table into the run folder (read back here, with the point's parameters); a rerun skips it;
 * parameter flags name the same trial; an unknown id, or an id together with parameter flags,
 * is a clear message with exit code 2 and nothing written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expandGrid } from '../../src/config/expand.js';
import { loadConfig } from '../../src/config/loader.js';
import { completeTrialIds, readTable, tableToRows } from '../../src/tables/index.js';
import { outDir, runCli } from './run-cli.js';

const CONFIG = 'test/fixtures/trial/tiny-trial.yaml';
const points = expandGrid(loadConfig(CONFIG));
const point = points[2]; // width 64, seed 0

test('trial CONFIG RUN_DIR --trial ID writes every table into the run folder; a rerun naming it by --run-dir skips it', async () => {
  const run = path.join(outDir(), 'run');
  const r = runCli(['trial', CONFIG, run, '--trial', point.trialId]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    new RegExp(`^trial ${point.trialId} \\(width 64, seed 0\\): ok, 40 steps in [0-9.]+ s \\[wasm: `),
  );
  assert.match(r.stdout, /final train loss [0-9.e-]+, test loss [0-9.e-]+/);
  assert.match(r.stdout, /kernel_rel_err 0\.[0-9]+/);
  assert.deepEqual([...(await completeTrialIds(run))], [point.trialId]);
  for (const t of ['trials', 'curves', 'kernels', 'predictions', 'spectra', 'modes']) {
    assert.deepEqual(readdirSync(path.join(run, t)), [`${point.trialId}.parquet`], t);
  }
  const [trial] = tableToRows('trials', await readTable(run, 'trials'));
  assert.deepEqual([trial.width, trial.seed, trial.status, trial.steps_done], [64, 0, 'ok', 40]);
  assert.equal(tableToRows('curves', await readTable(run, 'curves')).length, 9);
  assert.equal(readdirSync(path.join(run, 'analytic')).length, 1);
  assert.ok(!existsSync(path.join(run, 'checkpoints', point.trialId)));

  const mtime = statSync(path.join(run, 'trials', `${point.trialId}.parquet`)).mtimeMs;
  const again = runCli(['trial', CONFIG, '--trial', point.trialId.slice(0, 6), '--run-dir', run]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /already complete .*nothing to do/);
  assert.equal(statSync(path.join(run, 'trials', `${point.trialId}.parquet`)).mtimeMs, mtime);

  // The same point named by its parameters is the same trial.
  const byFlags = runCli(['trial', CONFIG, '--width', '64', '--seed', '0', '--run-dir', run]);
  assert.equal(byFlags.status, 0, byFlags.stderr);
  assert.match(byFlags.stdout, new RegExp(`^trial ${point.trialId} .*already complete`));
});

test('an unknown trial id, or an id with parameter flags: a clear message, exit 2, nothing written', () => {
  const run = path.join(outDir(), 'run');
  const r = runCli(['trial', CONFIG, '--trial', 'ffffffffffff', '--run-dir', run]);
  assert.equal(r.status, 2);
  assert.equal(
    r.stderr.trim(),
    `ntk-sweep trial: ${CONFIG} has no trial 'ffffffffffff' (its grid has 4 trials; list them with: ntk-sweep validate ${CONFIG} --format json)`,
  );
  assert.equal(r.stdout, '');
  const both = runCli(['trial', CONFIG, '--trial', point.trialId, '--width', '32', '--run-dir', run]);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /give --trial ID or parameter flags .*not both/);
  const badFlag = runCli(['trial', CONFIG, '--width', 'wide', '--run-dir', run]);
  assert.equal(badFlag.status, 2);
  assert.equal(badFlag.stderr.trim(), "ntk-sweep: --width: expected a number, found 'wide'");
  assert.ok(!existsSync(run), 'the run folder was not even created');
});

test('a trial off the grid is refused in the sweep’s own run folder (exit 2, nothing written), and says what to do', () => {
  const dir = outDir();
  const sweepDir = path.join(dir, 'sweep');
  const config = path.join(dir, 'sweep.yaml');
  writeFileSync(
    config,
    `${readFileSync(CONFIG, 'utf8')}\noutput: ${sweepDir}\n`.replace(/^output:.*\n(?=[\s\S]*^output:)/m, ''),
  );
  const r = runCli(['trial', config, '--width', '512']);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(
    r.stderr.trim(),
    `ntk-sweep trial: --width 512 is not a point of the grid of ${config}, and ${sweepDir} is that sweep's run folder ` +
      `(a trial there counts as one of the sweep's); give it another folder with --run-dir DIR, or add the value to the grid`,
  );
  assert.equal(r.stdout, '');
  assert.ok(!existsSync(sweepDir), 'nothing written');
  const explicit = runCli(['trial', config, '--width', '512', '--seed', '0', '--run-dir', sweepDir]);
  assert.equal(explicit.status, 2, 'naming the sweep folder with --run-dir is the same folder');
  assert.ok(!existsSync(sweepDir));
});

test('--steps below one of the config’s snapshots is refused at the snapshot, naming the flag; the kernel command, which takes no snapshots, accepts it', () => {
  const run = path.join(outDir(), 'run');
  const r = runCli(['trial', CONFIG, '--width', '32', '--steps', '10', '--run-dir', run]);
  assert.equal(r.status, 2, r.stderr);
  assert.deepEqual(r.stderr.trim().split('\n'), [
    `${CONFIG}:9:23: ntk.snapshots[1]: expected a step from 0 to train.steps (10), found 15: training never reaches it (with --width 32, --steps 10)`,
    `${CONFIG}:9:27: ntk.snapshots[2]: expected a step from 0 to train.steps (10), found 40: training never reaches it (with --width 32, --steps 10)`,
  ]);
  assert.ok(!existsSync(run));
  const k = runCli(['kernel', CONFIG, '--width', '8', '--steps', '2', '--backend', 'wasm', '--format', 'json']);
  assert.equal(k.status, 0, k.stderr);
  const rows = (JSON.parse(k.stdout) as { rows: { kind: string; step: number }[] }).rows;
  const steps = new Set(rows.filter((row) => row.kind === 'empirical').map((row) => row.step));
  assert.deepEqual([...steps].sort(), [0, 2]);
});
