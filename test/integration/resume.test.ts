/**
 * Kill the embedded server and the CLI (SIGKILL both) in the middle of a
 * sweep; `ntk-sweep resume RUN` finishes only what was missing: no trial complete before the kill
 * is trained or written again, and every trial is trained once over the whole sweep.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { expandGrid, loadConfig, sweepIdOf } from '../../src/config/index.js';
import { sweepWorkflowId, type RunTrialResult } from '../../workflows/shared.js';
import { isAlive } from '../../orchestration/dev-server.js';
import { runCli, startCli, tableFiles, waitFor, workdirWith } from './helpers/cli.js';
import { activitiesOf, fetchChain, maybeRecordHistory } from './helpers/histories.js';
import { withRunServer } from './helpers/server.js';

const TABLES = ['trials', 'curves', 'kernels', 'predictions', 'spectra', 'modes'];

describe('resume after the embedded server and the CLI were killed', () => {
  const { dir } = workdirWith('eight.yaml');
  const runDir = path.join(dir, 'runs', 'eight');
  const loaded = loadConfig(path.join(dir, 'eight.yaml'));
  const ids = expandGrid(loaded)
    .map((p) => p.trialId)
    .sort();
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finishes only the missing trials', async () => {
    const cli = startCli(['run', 'eight.yaml', '--heartbeat-timeout', '3', '--progress', 'lines'], { cwd: dir });
    const doneBefore = await waitFor('3 trials written', () => {
      const files = tableFiles(runDir, 'trials');
      return files.length >= 3 ? files : undefined;
    });
    const server = JSON.parse(readFileSync(path.join(runDir, '.temporal', 'server.json'), 'utf8')) as { pid: number };
    cli.child.kill('SIGKILL');
    process.kill(-server.pid, 'SIGKILL');
    await cli.done;
    await waitFor('the server to die', () => (isAlive(server.pid) ? undefined : true), 10_000);
    const killedAt = Date.now();
    const complete = tableFiles(runDir, 'trials').map((f) => f.replace('.parquet', ''));
    assert.ok(
      complete.length >= doneBefore.length && complete.length < 8,
      `${complete.length} trials complete at the kill`,
    );
    const stamp = (id: string) => {
      const s = statSync(path.join(runDir, 'trials', `${id}.parquet`));
      return `${s.ino}:${s.mtimeMs}`;
    };
    const before = new Map(complete.map((id) => [id, stamp(id)]));

    const resumed = await runCli(['resume', runDir, '--json'], { cwd: dir });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(
      resumed.stderr,
      /attached to the running sweep/,
      'the workflow kept in the run folder’s database goes on',
    );
    const result = JSON.parse(resumed.stdout.trim().split('\n').at(-1)!);
    assert.equal(result.status, 'completed');
    assert.equal(result.ok + result.diverged, 8);

    for (const t of TABLES)
      assert.deepEqual(
        tableFiles(runDir, t),
        ids.map((id) => `${id}.parquet`),
        t,
      );
    for (const [id, s] of before)
      assert.equal(stamp(id), s, `trial ${id}, complete before the kill, was written again`);

    await withRunServer(runDir, async (client) => {
      const chain = await fetchChain(client, sweepWorkflowId(sweepIdOf(loaded)));
      chain.forEach((r, i) => maybeRecordHistory(`killed-and-resumed-run${i + 1}`, r.history));
      const trained = chain
        .flatMap((r) => activitiesOf(r.history))
        .filter((a) => a.activityType === 'runTrial' && a.outcome === 'completed')
        .filter((a) => !(a.result as RunTrialResult).skipped);
      const trainedIds = trained.map((a) => (a.result as RunTrialResult).trialId);
      assert.equal(new Set(trainedIds).size, trainedIds.length, 'no trial trained twice');
      const afterKill = trained
        .filter((a) => a.completedAtMs! > killedAt)
        .map((a) => (a.result as RunTrialResult).trialId);
      assert.deepEqual(
        afterKill.sort(),
        ids.filter((id) => !before.has(id)),
        'resume trained exactly the missing trials',
      );
    });
  });
});
