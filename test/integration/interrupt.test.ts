/**
 * The embedded default's lifecycle: Ctrl-C stops a local run cleanly (workers, then the server; exit
 * 130) and says how to resume, and `resume` then finishes it; `run --detach` returns at once while
 * a background process runs the sweep to the end, which `status` follows.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isAlive } from '../../orchestration/dev-server.js';
import { runCli, startCli, tableFiles, waitFor, workdirWith } from './helpers/cli.js';

describe('the embedded run, interrupted and detached', () => {
  const scratch: string[] = [];
  after(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('Ctrl-C stops workers and server, says how to resume; resume finishes the sweep', async () => {
    const { dir } = workdirWith('many.yaml');
    scratch.push(dir);
    const runDir = path.join(dir, 'runs', 'many');
    const cli = startCli(['run', 'many.yaml', '--progress', 'lines'], { cwd: dir });
    await waitFor('a first trial', () => (tableFiles(runDir, 'trials').length >= 1 ? true : undefined));
    const { pid } = JSON.parse(readFileSync(path.join(runDir, '.temporal', 'server.json'), 'utf8')) as { pid: number };
    cli.child.kill('SIGINT');
    const r = await cli.done;
    assert.equal(r.status, 130, r.stderr);
    assert.match(r.stderr, new RegExp(`Continue it with:\\n  ntk-sweep resume ${runDir.replace(/[/.]/g, '\\$&')}`));
    assert.equal(isAlive(pid), false, 'the embedded server was stopped');
    assert.equal(existsSync(path.join(runDir, '.temporal', 'server.json')), false);
    assert.ok(tableFiles(runDir, 'trials').length < 24);

    const resumed = await runCli(['resume', runDir, '--json'], { cwd: dir });
    assert.equal(resumed.status, 0, resumed.stderr);
    const result = JSON.parse(resumed.stdout.trim().split('\n').at(-1)!);
    assert.equal(result.status, 'completed');
    assert.equal(result.ok + result.diverged, 24);
    assert.equal(tableFiles(runDir, 'trials').length, 24);
  });

  it('run --detach returns at once; the sweep finishes in the background', async () => {
    const { dir } = workdirWith('tiny.yaml');
    scratch.push(dir);
    const runDir = path.join(dir, 'runs', 'tiny');
    const r = await runCli(['run', 'tiny.yaml', '--detach'], { cwd: dir });
    const logFile = path.join(runDir, '.temporal', 'run.log');
    const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '(no run.log)');
    assert.equal(r.status, 0, `${r.stderr}\n--- run.log:\n${log()}`);
    assert.match(r.stderr, /runs in the background \(pid \d+/);
    const pid = Number(/pid (\d+)/.exec(r.stderr)![1]);
    await waitFor('the background sweep to end', () => (isAlive(pid) ? undefined : true), 180_000, 500);
    assert.equal(tableFiles(runDir, 'trials').length, 8, log());
    assert.match(log(), /sweep tiny-\w+ completed: 8\/8 trials/);
    const status = await runCli(['status', runDir, '--json'], { cwd: dir });
    assert.equal(status.status, 0, status.stderr);
    const s = JSON.parse(status.stdout);
    assert.equal(s.state, 'completed');
    assert.equal(s.source, 'run_folder');
    assert.equal(s.done, 8);
    assert.equal(s.pending, 0);
  });
});
