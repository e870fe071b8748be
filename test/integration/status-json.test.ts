/**
 * `ntk-sweep status --json` has one shape in every state (docs/orchestration.md): real sweeps on
 * the embedded server, asked while they run (the server answers) and after their process ended
 * (the run folder answers).
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cancelCommand, pauseCommand, statusCommand } from '../../orchestration/control.js';
import { SWEEP_STATES, type SweepStatus } from '../../orchestration/sweep-state.js';
import { runCli, startCli, tableFiles, waitFor, workdirWith } from './helpers/cli.js';
import { startServerFor } from './helpers/server.js';

/** The documented keys, in every state. */
const KEYS = [
  'sweep_id',
  'state',
  'source',
  'total',
  'done',
  'ok',
  'diverged',
  'failed',
  'running',
  'pending',
  'phase',
  'aggregated',
  'error',
  'run_dir',
];

function checkShape(s: SweepStatus, runDir: string): void {
  assert.deepEqual(Object.keys(s).sort(), [...KEYS].sort());
  assert.ok((SWEEP_STATES as readonly string[]).includes(s.state), s.state);
  assert.ok(s.source === 'server' || s.source === 'run_folder');
  assert.equal(s.run_dir, runDir);
  for (const k of ['total', 'done', 'failed', 'pending'] as const)
    assert.equal(typeof s[k], 'number', `${k} is counted`);
}

/** `status RUN --json` in this process (its one stdout line), so that a short-lived state is caught. */
async function status(runDir: string, cwd: string): Promise<SweepStatus> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const prev = process.cwd();
  process.chdir(cwd);
  process.stdout.write = ((chunk: string | Uint8Array) => (
    lines.push(String(chunk)),
    true
  )) as typeof process.stdout.write;
  try {
    assert.equal(await statusCommand(runDir, { json: true }), 0);
  } finally {
    process.stdout.write = write;
    process.chdir(prev);
  }
  assert.equal(lines.length, 1, lines.join(''));
  const s = JSON.parse(lines[0]) as SweepStatus;
  checkShape(s, runDir);
  return s;
}

describe('status --json', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('completed: from the run folder once the sweep ended, through the real CLI', async () => {
    const { dir } = workdirWith('tiny.yaml');
    dirs.push(dir);
    const runDir = path.join(dir, 'runs', 'tiny');
    const ran = await runCli(['run', 'tiny.yaml', '--json'], { cwd: dir });
    assert.equal(ran.status, 0, ran.stderr);
    const r = await runCli(['status', runDir, '--json'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as SweepStatus;
    checkShape(s, runDir);
    assert.equal(s.state, 'completed');
    assert.equal(s.source, 'run_folder');
    assert.equal(s.total, 8);
    assert.equal(s.done, 8);
    assert.equal(s.pending, 0);
    assert.equal(s.aggregated, true);
  });

  it('running, then cancelling while trials finish, then cancelled', async () => {
    const { dir } = workdirWith('many.yaml');
    dirs.push(dir);
    const runDir = path.join(dir, 'runs', 'many');
    const cli = startCli(['run', 'many.yaml', '--json', '--interval', '1'], { cwd: dir });
    try {
      await waitFor('a first trial', () => (tableFiles(runDir, 'trials').length >= 1 ? true : undefined));
      const running = await waitFor('trials running', async () => {
        const s = await status(runDir, dir);
        return s.state === 'running' && (s.running ?? 0) > 0 ? s : undefined;
      });
      assert.equal(running.source, 'server');
      assert.equal(running.total, 24);
      assert.equal(running.phase, 'running');
      assert.equal(await cancelCommand(runDir, {}), 0);
      const s = await status(runDir, dir);
      // Trials take about a second here, so the cancel is normally caught while they finish.
      assert.ok(s.state === 'cancelling' || s.state === 'cancelled', s.state);
      const ran = await cli.done;
      assert.equal(ran.status, 0, ran.stderr);
      const ended = await status(runDir, dir);
      assert.equal(ended.state, 'cancelled');
      assert.equal(ended.source, 'run_folder');
      assert.ok(ended.pending! > 0);
      assert.equal(ended.done, tableFiles(runDir, 'trials').length);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    }
  });

  it('paused, then interrupted (Ctrl-C, and a killed process)', async () => {
    const { dir } = workdirWith('many.yaml');
    dirs.push(dir);
    const runDir = path.join(dir, 'runs', 'many');
    const cli = startCli(['run', 'many.yaml', '--json', '--interval', '1'], { cwd: dir });
    try {
      await waitFor('a first trial', () => (tableFiles(runDir, 'trials').length >= 1 ? true : undefined));
      assert.equal(await pauseCommand(runDir, {}), 0);
      const paused = await waitFor('paused', async () => {
        const s = await status(runDir, dir);
        return s.state === 'paused' ? s : undefined;
      });
      assert.equal(paused.source, 'server');
      cli.child.kill('SIGINT');
      const ran = await cli.done;
      assert.equal(ran.status, 130, ran.stderr);
      const stopped = await status(runDir, dir);
      assert.equal(stopped.state, 'interrupted');
      assert.equal(stopped.source, 'run_folder');
      assert.ok(stopped.pending! > 0);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    }
    // A killed process leaves no record of how it ended: trials missing read as interrupted too.
    rmSync(path.join(runDir, '.temporal', 'end.json'));
    assert.equal((await status(runDir, dir)).state, 'interrupted');
    assert.match(readFileSync(path.join(runDir, 'manifest.json'), 'utf8'), /many/);
  });

  it('failed: the sweep fails as a whole (its config.yaml changed before planning), asked on a cluster', async () => {
    const { dir } = workdirWith('tiny.yaml');
    dirs.push(dir);
    const runDir = path.join(dir, 'runs', 'tiny');
    const server = await startServerFor(path.join(dir, 'server'));
    let worker: ReturnType<typeof startCli> | undefined;
    try {
      const address = server.server.address;
      // Started with no worker up, so nothing is planned yet.
      const started = await runCli(['run', 'tiny.yaml', '--address', address, '--detach'], { cwd: dir });
      assert.equal(started.status, 0, started.stderr);
      const configFile = path.join(runDir, 'config.yaml');
      writeFileSync(configFile, readFileSync(configFile, 'utf8').replace(/steps: 40/, 'steps: 41'));
      worker = startCli(['worker', '--queues', 'cpu,gpu', '--address', address, '--grace', '1'], { cwd: dir });
      const s = await waitFor('the sweep to fail', async () => {
        const r = await status(runDir, dir);
        return r.state === 'failed' ? r : undefined;
      });
      assert.equal(s.source, 'server');
      assert.match(s.error ?? '', /config\.yaml was changed after launch/);
      assert.equal(s.done, 0);
    } finally {
      worker?.child.kill('SIGTERM');
      await worker?.done;
      await server.stop();
    }
  });
});
