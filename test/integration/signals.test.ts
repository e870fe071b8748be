/**
 * Pause, resume and cancel of a running sweep from other commands: `ntk-sweep pause` stops new
 * trials (running ones finish) and `status` says so; `resume` lifts the pause (attaching to the
 * running sweep rather than starting another); `cancel` stops launching, lets running trials
 * finish, and ends the sweep as cancelled. The sweep runs in a separate `ntk-sweep run` process.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { connectClient } from '../../connection/connect.js';
import { cancelCommand, pauseCommand } from '../../orchestration/control.js';
import { queryProgress } from '../../orchestration/follow.js';
import { resumeCommand } from '../../orchestration/launch.js';
import { loadConfig, sweepIdOf } from '../../src/config/index.js';
import { sweepWorkflowId } from '../../workflows/shared.js';
import { runCli, startCli, tableFiles, waitFor, workdirWith } from './helpers/cli.js';

describe('pause, resume and cancel', () => {
  const { dir } = workdirWith('many.yaml');
  const runDir = path.join(dir, 'runs', 'many');
  const workflowId = sweepWorkflowId(sweepIdOf(loadConfig(path.join(dir, 'many.yaml'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('act on the running sweep', async () => {
    const cli = startCli(['run', 'many.yaml', '--json', '--interval', '1'], { cwd: dir });
    await waitFor('a first trial', () => (tableFiles(runDir, 'trials').length >= 1 ? true : undefined));
    const { address } = JSON.parse(readFileSync(path.join(runDir, '.temporal', 'server.json'), 'utf8')) as {
      address: string;
    };
    const c = await connectClient({ address });
    const handle = c.client.workflow.getHandle(workflowId);
    try {
      assert.equal(await pauseCommand(runDir, {}), 0);
      const paused = await waitFor('the running trials to finish', async () => {
        const p = await queryProgress(c.connection, handle);
        return p && p.paused && p.running === 0 ? p : undefined;
      });
      const n = tableFiles(runDir, 'trials').length;
      assert.ok(n < 24, 'paused before the end');
      assert.equal(paused.ok + paused.diverged, n);
      const status = await runCli(['status', runDir, '--json'], { cwd: dir });
      assert.equal(status.status, 0, status.stderr);
      const s = JSON.parse(status.stdout);
      assert.equal(s.state, 'paused');
      assert.equal(s.done, n);
      assert.equal(tableFiles(runDir, 'trials').length, n, 'no trial started while paused');

      const resumed = resumeCommand(runDir, { progress: 'lines' });
      await waitFor('a trial after resuming', () => (tableFiles(runDir, 'trials').length > n ? true : undefined));
      assert.equal(await cancelCommand(runDir, {}), 0);

      const [ran, watched] = await Promise.all([cli.done, resumed]);
      assert.equal(ran.status, 0, ran.stderr);
      assert.equal(watched, 0);
      // The run's server stops with its owner; the result is its last line.
      const result = JSON.parse(ran.stdout.trim().split('\n').at(-1)!);
      assert.equal(result.status, 'cancelled');
      assert.equal(result.aggregated, false);
      const written = tableFiles(runDir, 'trials');
      assert.ok(written.length > n && written.length < 24, `${written.length} trials written`);
      assert.equal(result.ok + result.diverged, written.length, 'running trials finished; none was cut off');
      for (const t of ['curves', 'kernels', 'predictions', 'spectra', 'modes'])
        assert.deepEqual(tableFiles(runDir, t), written, t);
    } finally {
      await c.close();
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    }
  });
});
