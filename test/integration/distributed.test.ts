/**
 * The distributed shape: a Temporal dev server on its own, worker
 * processes started with `ntk-sweep worker` (one on the CPU queue, GPU-queue workers separately,
 * as on separate hosts), and `ntk-sweep run --address …` from another process.
 *
 * - The sweep completes, each activity ran on its queue and on the worker serving that queue,
 *   and stopping the CLI (Ctrl-C) does not stop the sweep.
 * - SIGKILL of the GPU worker in the middle of a trial: the trial is retried on a new worker,
 *   resumes from its checkpoint (fewer steps recomputed than the trial has), and its outputs hold
 *   it once.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { expandGrid, loadConfig, sweepIdOf } from '../../src/config/index.js';
import { readTable } from '../../src/tables/read.js';
import { sweepWorkflowId, type RunTrialResult, type SweepResult } from '../../workflows/shared.js';
import { runCli, startCli, tableFiles, waitFor, workdirWith, type CliRun } from './helpers/cli.js';
import { activitiesOf, fetchChain, maybeRecordHistory, workflowTaskIdentities } from './helpers/histories.js';
import { startServerFor, type TestServer } from './helpers/server.js';

const TABLES = ['trials', 'curves', 'kernels', 'predictions', 'spectra', 'modes'];

describe('the distributed shape: a server, worker processes, and run --address', () => {
  const serverHome = workdirWith('tiny.yaml');
  let server: TestServer;
  let address: string;
  const workers: CliRun[] = [];
  const worker = (queues: string, identity: string): CliRun => {
    const w = startCli(['worker', '--queues', queues, '--address', address, '--identity', identity, '--grace', '1'], {
      cwd: serverHome.dir,
      timeoutMs: 600_000,
    });
    workers.push(w);
    return w;
  };
  /** Resolves once the worker has printed that it is polling. */
  const ready = (w: CliRun) =>
    waitFor('a worker to start', () => (/ntk-sweep worker \(pid/.test(w.output().stderr) ? true : undefined), 120_000);

  before(async () => {
    server = await startServerFor(path.join(serverHome.dir, 'server'));
    address = server.server.address;
    await Promise.all([ready(worker('cpu', 'cpu-worker')), ready(worker('gpu', 'gpu-worker-1'))]);
  });
  after(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await server?.stop();
    rmSync(serverHome.dir, { recursive: true, force: true });
  });

  it('runs a sweep on the queues’ own workers, and stopping the CLI does not stop it', async () => {
    const { dir } = workdirWith('many.yaml');
    const runDir = path.join(dir, 'runs', 'many');
    const loaded = loadConfig(path.join(dir, 'many.yaml'));
    const ids = expandGrid(loaded)
      .map((p) => p.trialId)
      .sort();
    const workflowId = sweepWorkflowId(sweepIdOf(loaded));
    try {
      const cli = startCli(['run', 'many.yaml', '--address', address, '--progress', 'lines', '--interval', '1'], {
        cwd: dir,
      });
      // Ctrl-C once the first trial is written: the CLI stops watching, the sweep goes on.
      await waitFor('a first trial', () => (tableFiles(runDir, 'trials').length >= 1 ? true : undefined));
      cli.child.kill('SIGINT');
      const stopped = await cli.done;
      assert.equal(stopped.status, 130, stopped.stderr);
      assert.match(stopped.stderr, /stopped watching; the sweep goes on on the cluster/);
      const handle = server.client.workflow.getHandle(workflowId);
      assert.equal((await handle.describe()).status.name, 'RUNNING', 'the CLI stopped before the sweep ended');

      const result = (await handle.result()) as SweepResult;
      assert.equal(result.status, 'completed');
      assert.equal(result.ok + result.diverged, 24);
      for (const t of TABLES)
        assert.deepEqual(
          tableFiles(runDir, t),
          ids.map((id) => `${id}.parquet`),
          t,
        );
      assert.ok(existsSync(path.join(runDir, 'summary', 'summary.parquet')));

      const status = await runCli(['status', sweepIdOf(loaded), '--address', address, '--json'], { cwd: dir });
      assert.equal(status.status, 0, status.stderr);
      assert.equal(JSON.parse(status.stdout).state, 'completed');

      const chain = await fetchChain(server.client, workflowId);
      chain.forEach((r, i) => maybeRecordHistory(`distributed-run${i + 1}`, r.history));
      const acts = chain.flatMap((r) => activitiesOf(r.history));
      const byType = (t: string) => acts.filter((a) => a.activityType === t);
      assert.equal(byType('runTrial').length, 24);
      for (const a of byType('runTrial')) {
        assert.equal(a.taskQueue, 'ntk-gpu');
        assert.equal(a.identity, 'gpu-worker-1');
      }
      for (const t of ['plan', 'planPage', 'aggregate']) {
        assert.ok(byType(t).length >= 1, t);
        for (const a of byType(t)) {
          assert.equal(a.taskQueue, 'ntk-cpu', t);
          assert.equal(a.identity, 'cpu-worker', t);
        }
      }
      for (const r of chain) assert.deepEqual([...workflowTaskIdentities(r.history)], ['cpu-worker']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a GPU worker killed mid-trial: the trial resumes from its checkpoint on a new worker, once in the outputs', async () => {
    const { dir } = workdirWith('long.yaml');
    const runDir = path.join(dir, 'runs', 'long');
    const loaded = loadConfig(path.join(dir, 'long.yaml'));
    const [{ trialId }] = expandGrid(loaded);
    const workflowId = sweepWorkflowId(sweepIdOf(loaded));
    const steps = 10_000;
    try {
      const cli = startCli(
        ['run', 'long.yaml', '--address', address, '--json', '--heartbeat-timeout', '3', '--checkpoint-every', '200'],
        { cwd: dir },
      );
      const handle = server.client.workflow.getHandle(workflowId);
      // Kill the worker as soon as the trial has a checkpoint (it is deleted when the trial completes).
      const checkpoint = path.join(runDir, 'checkpoints', trialId, 'checkpoint.json');
      await waitFor('a first checkpoint', () => (existsSync(checkpoint) ? true : undefined), 120_000, 25);
      const d = await handle.describe();
      const pending = d.raw.pendingActivities ?? [];
      assert.equal(pending.length, 1, 'the trial is running');
      const p = pending[0].heartbeatDetails?.payloads?.[0];
      if (p) {
        // Heartbeats carry the trial and its step.
        const beat = defaultPayloadConverter.fromPayload<{ trialId: string; step: number; steps: number }>(p);
        assert.equal(beat.trialId, trialId);
        assert.ok(beat.step >= 0 && beat.step < steps && beat.steps === steps, JSON.stringify(beat));
      }
      const gpu1 = workers.find((w) => w.child.spawnargs.includes('gpu-worker-1'))!;
      gpu1.child.kill('SIGKILL');
      await gpu1.done;
      await ready(worker('gpu', 'gpu-worker-2'));

      const done = await cli.done;
      assert.equal(done.status, 0, done.stderr);
      const result = JSON.parse(done.stdout.trim().split('\n').at(-1)!);
      assert.equal(result.status, 'completed');
      assert.equal(result.ok + result.diverged, 1);

      const chain = await fetchChain(server.client, workflowId);
      chain.forEach((r, i) => maybeRecordHistory(`worker-killed-run${i + 1}`, r.history));
      const [trial] = chain.flatMap((r) => activitiesOf(r.history)).filter((a) => a.activityType === 'runTrial');
      assert.equal(trial.outcome, 'completed');
      assert.equal(trial.identity, 'gpu-worker-2', 'the retry ran on the new worker');
      assert.ok(trial.attempt >= 2, `attempt ${trial.attempt}`);
      const r = trial.result as RunTrialResult;
      assert.equal(r.skipped, false);
      assert.ok(r.startedFromStep >= 200, `resumed from step ${r.startedFromStep}`);
      assert.equal(r.stepsComputed, steps - r.startedFromStep);
      assert.ok(r.stepsComputed < steps, `recomputed ${r.stepsComputed} of ${steps} steps`);

      for (const t of TABLES) assert.deepEqual(tableFiles(runDir, t), [`${trialId}.parquet`], t);
      const rows = (await readTable(runDir, 'trials')).toArray().map((x) => x.toJSON());
      assert.equal(rows.length, 1);
      assert.equal(rows[0].steps_done, steps);
      assert.ok(rows[0].attempts >= 2);
      const curveSteps = (await readTable(runDir, 'curves')).toArray().map((x) => x.toJSON().step as number);
      const expected = Array.from({ length: steps / 50 + 1 }, (_, i) => i * 50);
      assert.deepEqual(
        [...curveSteps].sort((a, b) => a - b),
        expected,
        'each logged step once',
      );
      assert.equal(existsSync(path.join(runDir, 'checkpoints', trialId)), false, 'the checkpoint is gone');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
