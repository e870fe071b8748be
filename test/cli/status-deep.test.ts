/**
 * `ntk-sweep status RUN --deep` reads every byte of the run folder's tables: a damaged data page
 * that the footer check misses makes its trial one to run again, and the planner of `run` and
 * `resume` (activities/plan.ts) schedules that trial and no other. Through the real executable,
 * on a run folder launched by the real launch code (manifest, config.yaml) holding every trial.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planPage } from '../../activities/plan.js';
import { planFromConfig, writeLaunchFiles } from '../../orchestration/run-folder.js';
import { expandGrid, loadConfig } from '../../src/config/index.js';
import { trialFile, writeTrialTables } from '../../src/tables/index.js';
import { ROOT } from '../helpers/python.js';
import { syntheticTrialTables } from '../helpers/synthetic-trial.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ntk-status-deep-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const runDir = path.join(dir, 'run');
const config = path.join(dir, 'sweep.yaml');
const fixture = readFileSync(path.join(ROOT, 'test', 'fixtures', 'trial', 'tiny-trial.yaml'), 'utf8');
writeFileSync(config, fixture.replace(/^output:.*$/m, `output: ${runDir}`));
const plan = planFromConfig(config);
await writeLaunchFiles(plan);
const ids = expandGrid(loadConfig(config)).map((p) => p.trialId);
for (const id of ids) await writeTrialTables(runDir, syntheticTrialTables({ trialId: id, analyticId: 'an0000000001' }));
const sweepId = plan.sweepId;

test('status --deep finds a damaged data page that status misses; the planner reruns that trial only', async () => {
  const ok = runCli(['status', runDir]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout.trim(), `${sweepId}: completed (not running) — 4/4 trials complete, 0 failed, 0 to run`);

  const victim = ids[2];
  const file = trialFile(runDir, 'curves', victim);
  const bytes = readFileSync(file);
  const footerStart = bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8);
  bytes[footerStart - 1] ^= 0x01; // the last byte of the last data page
  writeFileSync(file, bytes);

  const shallow = runCli(['status', runDir]);
  assert.equal(
    shallow.stdout.trim(),
    `${sweepId}: completed (not running) — 4/4 trials complete, 0 failed, 0 to run`,
    'footers alone look fine',
  );
  const deep = runCli(['status', runDir, '--deep']);
  assert.equal(deep.status, 0, deep.stderr);
  assert.equal(
    deep.stdout.trim(),
    `${sweepId}: interrupted (not running; tables checked in full) — 3/4 trials complete, 0 failed, 1 to run; continue with: ntk-sweep resume ${runDir}`,
  );
  const json = runCli(['status', runDir, '--deep', '--json']);
  const s = JSON.parse(json.stdout);
  assert.deepEqual(
    {
      sweep_id: s.sweep_id,
      state: s.state,
      source: s.source,
      total: s.total,
      done: s.done,
      failed: s.failed,
      pending: s.pending,
      run_dir: s.run_dir,
    },
    {
      sweep_id: sweepId,
      state: 'interrupted',
      source: 'run_folder',
      total: 4,
      done: 3,
      failed: 0,
      pending: 1,
      run_dir: runDir,
    },
  );

  const page = await planPage({ runDir, configDir: dir, from: 0, limit: 100 });
  assert.deepEqual(page.trials, [{ index: 2, trialId: victim }], 'run and resume plan exactly the damaged trial');
});
