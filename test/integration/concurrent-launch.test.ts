/**
 * Two launches of one config at (nearly) the same instant: one owns the run folder's embedded
 * server and the other attaches to it or waits, never a second server on the same database. Every
 * pair ends with the sweep complete, each trial trained exactly once, and the folder usable. A
 * damaged server database (zeroed, or not SQLite) is set aside with a message and the sweep goes on
 * from its tables.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { expandGrid, loadConfig, sweepIdOf } from '../../src/config/index.js';
import { damagedDatabase, serverDbFile } from '../../orchestration/dev-server.js';
import { launchLockFile } from '../../orchestration/launch-lock.js';
import { sweepWorkflowId, type RunTrialResult } from '../../workflows/shared.js';
import { fastTmp, runCli, startCli, tableFiles, waitFor, workdirWith } from './helpers/cli.js';
import { activitiesOf } from './helpers/histories.js';
import { withRunServer } from './helpers/server.js';

const PAIRS = 20;
const TABLES = ['trials', 'curves', 'kernels', 'spectra'];

/** The runs of the sweep's workflow id, and how often each trial was trained (runTrial completed, not skipped) over them. */
async function trainingsPerTrial(
  client: Client,
  workflowId: string,
): Promise<{ runs: number; counts: Map<string, number> }> {
  const counts = new Map<string, number>();
  let runs = 0;
  for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs++;
    const history = await client.workflow.getHandle(workflowId, w.runId).fetchHistory();
    for (const a of activitiesOf(history)) {
      if (a.activityType !== 'runTrial' || a.outcome !== 'completed') continue;
      const r = a.result as RunTrialResult;
      if (!r.skipped) counts.set(r.trialId, (counts.get(r.trialId) ?? 0) + 1);
    }
  }
  return { runs, counts };
}

/** The run folder after its commands ended: every table once per trial, nothing left held, status readable. */
async function assertUsable(dir: string, runDir: string, ids: string[]): Promise<void> {
  for (const t of TABLES)
    assert.deepEqual(
      tableFiles(runDir, t),
      ids.map((id) => `${id}.parquet`),
      t,
    );
  assert.equal(damagedDatabase(runDir), undefined, 'the server database is sound');
  assert.equal(existsSync(launchLockFile(runDir)), false, 'the launch lock was released');
  assert.equal(existsSync(path.join(runDir, '.temporal', 'server.json')), false, 'the server was stopped');
  const status = await runCli(['status', runDir, '--json'], { cwd: dir });
  assert.equal(status.status, 0, status.stderr);
  const s = JSON.parse(status.stdout);
  assert.equal(s.state, 'completed');
  assert.equal(s.done, ids.length);
  assert.equal(s.pending, 0);
}

describe('two launches of one config at once', () => {
  const scratch: string[] = [];
  after(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

  for (let i = 0; i < PAIRS; i++) {
    // Staggered 0–500 ms, the first or the second command ahead in turn.
    const delayMs = Math.round((i * 500) / (PAIRS - 1));
    it(`pair ${i + 1}: the second launch ${delayMs} ms after the first; one server, each trial once`, async () => {
      const { dir, config } = workdirWith('pair.yaml', fastTmp());
      scratch.push(dir);
      const runDir = path.join(dir, 'runs', 'pair');
      const loaded = loadConfig(config);
      const ids = expandGrid(loaded)
        .map((p) => p.trialId)
        .sort();

      // Trials in-process (--executors 0): the race is between the launches and their server;
      // starting executor threads would only add seconds of CPU per pair (executors.test.ts covers them).
      const args = ['run', 'pair.yaml', '--progress', 'lines', '--executors', '0'];
      const first = startCli(args, { cwd: dir });
      await new Promise((r) => setTimeout(r, delayMs));
      const second = startCli(args, { cwd: dir });
      const results = await Promise.all([first.done, second.done]);
      for (const r of results) {
        assert.equal(r.status, 0, r.stderr);
        assert.doesNotMatch(r.stderr, /\n\s+at |SQLITE|no such table/);
      }
      const said = results.map((r) => r.stderr).join('\n---\n');
      // One says it started the sweep (none, when the watcher's start reached the server first); one workflow run, below.
      assert.ok(results.filter((r) => /started the sweep/.test(r.stderr)).length <= 1, said);
      for (const r of results) assert.match(r.stdout, /completed: 4\/4 trials/, said);

      await assertUsable(dir, runDir, ids);
      await withRunServer(runDir, async (client) => {
        const { runs, counts } = await trainingsPerTrial(client, sweepWorkflowId(sweepIdOf(loaded)));
        assert.equal(runs, 1, 'one workflow run');
        assert.deepEqual([...counts.keys()].sort(), ids);
        for (const [id, n] of counts) assert.equal(n, 1, `trial ${id} trained ${n} times`);
      });
    });
  }

  it('the owner killed mid-sweep: the launch that watched takes the sweep over and completes it', async () => {
    const { dir, config } = workdirWith('eight.yaml', fastTmp());
    scratch.push(dir);
    const runDir = path.join(dir, 'runs', 'eight');
    const ids = expandGrid(loadConfig(config))
      .map((p) => p.trialId)
      .sort();
    const args = ['run', 'eight.yaml', '--progress', 'lines'];
    const owner = startCli(args, { cwd: dir });
    await waitFor('the owner’s server', () =>
      existsSync(path.join(runDir, '.temporal', 'server.json')) ? true : undefined,
    );
    const watcher = startCli(args, { cwd: dir });
    await waitFor('the second launch to attach', () =>
      /attached to the running sweep/.test(watcher.output().stderr) ? true : undefined,
    );
    await waitFor('a first trial', () => (tableFiles(runDir, 'trials').length >= 1 ? true : undefined));
    owner.child.kill('SIGKILL');
    await owner.done;

    const r = await watcher.done;
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /the ntk-sweep process that owned the server of .* is gone; taking the sweep over/);
    assert.match(r.stdout, /completed: 8\/8 trials/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    await assertUsable(dir, runDir, ids);
  });

  it('a zeroed server database is set aside with a message, and resume finishes the sweep', async () => {
    const { dir, config } = workdirWith('eight.yaml', fastTmp());
    scratch.push(dir);
    const runDir = path.join(dir, 'runs', 'eight');
    const ids = expandGrid(loadConfig(config))
      .map((p) => p.trialId)
      .sort();
    const cli = startCli(['run', 'eight.yaml', '--progress', 'lines'], { cwd: dir });
    await waitFor('2 trials written', () => (tableFiles(runDir, 'trials').length >= 2 ? true : undefined));
    cli.child.kill('SIGINT');
    assert.equal((await cli.done).status, 130);
    const before = tableFiles(runDir, 'trials');
    assert.ok(before.length < 8, `${before.length} trials complete at the interrupt`);

    truncateSync(serverDbFile(runDir), 0);
    const resumed = await runCli(['resume', runDir, '--json'], { cwd: dir });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(
      resumed.stderr,
      /the embedded server's database .*temporal\.db was empty \(0 bytes\); moved it to temporal\.db\.damaged-\S+ and started a new one/,
    );
    assert.doesNotMatch(resumed.stderr, /\n\s+at /);
    const result = JSON.parse(resumed.stdout.trim().split('\n').at(-1)!);
    assert.equal(result.status, 'completed');
    assert.equal(result.ok + result.diverged, 8);
    assert.equal(result.skipped, before.length, 'trials complete before were kept, not trained again');
    await assertUsable(dir, runDir, ids);
    assert.equal(
      readdirSync(path.join(runDir, '.temporal')).filter((f) => f.startsWith('temporal.db.damaged-')).length,
      1,
    );
  });

  it('a server database that is not SQLite is set aside too; run on it completes', async () => {
    const { dir, config } = workdirWith('pair.yaml', fastTmp());
    scratch.push(dir);
    const runDir = path.join(dir, 'runs', 'pair');
    const ids = expandGrid(loadConfig(config))
      .map((p) => p.trialId)
      .sort();
    const first = await runCli(['run', 'pair.yaml'], { cwd: dir });
    assert.equal(first.status, 0, first.stderr);
    writeFileSync(serverDbFile(runDir), 'garbage, not a database\n');
    const again = await runCli(['run', 'pair.yaml'], { cwd: dir });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /temporal\.db was not an SQLite database; moved it to/);
    assert.match(again.stdout, /completed: 4\/4 trials \(4 ok, 0 diverged, 0 failed, 4 already complete\)/);
    await assertUsable(dir, runDir, ids);
  });
});
