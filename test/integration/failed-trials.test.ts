/**
 * A trial that keeps failing is retried per `execution.retries`, then recorded as `failed` (its
 * trials row with the last error and the attempts made) while the rest of the sweep goes on; a
 * later `resume` runs it again. The sweep runs on the embedded server with the real activities,
 * except that runTrial of one chosen trial throws (a test stand-in for a crash).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createActivities, type SweepActivities } from '../../activities/index.js';
import { resumeCommand, runCommand } from '../../orchestration/launch.js';
import { expandGrid, loadConfig } from '../../src/config/index.js';
import { readTable } from '../../src/tables/read.js';
import { tableFiles, workdirWith } from './helpers/cli.js';

describe('a trial that keeps failing', () => {
  const { dir } = workdirWith('tiny.yaml');
  const runDir = path.join(dir, 'runs', 'tiny');
  const ids = expandGrid(loadConfig(path.join(dir, 'tiny.yaml'))).map((p) => p.trialId);
  const victim = ids[3];
  after(() => rmSync(dir, { recursive: true, force: true }));
  process.chdir(dir);

  it('is recorded as failed after its retries while the others complete', async () => {
    const real = createActivities();
    const attempts: number[] = [];
    const activities: SweepActivities = {
      ...real,
      runTrial: async (input) => {
        if (input.trialId !== victim) return real.runTrial(input);
        attempts.push(Date.now());
        throw new Error('simulated worker crash');
      },
    };
    const code = await runCommand('tiny.yaml', { progress: 'lines', activities });
    assert.equal(code, 0);
    assert.equal(attempts.length, 3, 'retries: 2 means three attempts');

    const rows = (await readTable(runDir, 'trials')).toArray().map((r) => r.toJSON());
    assert.equal(rows.length, 8);
    const failed = rows.filter((r) => r.status === 'failed');
    assert.deepEqual(
      failed.map((r) => r.trial_id),
      [victim],
    );
    assert.match(failed[0].error, /simulated worker crash/);
    assert.equal(failed[0].attempts, 3);
    assert.equal(rows.filter((r) => r.status === 'ok').length, 7);
    assert.equal(tableFiles(runDir, 'curves').length, 7, 'a failed trial has no other tables');
  });

  it('runs again on resume, and only it', async () => {
    const code = await resumeCommand(runDir, { progress: 'lines' });
    assert.equal(code, 0);
    const rows = (await readTable(runDir, 'trials')).toArray().map((r) => r.toJSON());
    assert.equal(rows.length, 8);
    assert.ok(rows.every((r) => r.status === 'ok'));
    assert.equal(tableFiles(runDir, 'curves').length, 8);
  });
});
