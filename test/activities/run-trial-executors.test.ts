/**
 * The runTrial activity handing its trial to an executor pool, in a mock activity context: the
 * executor's steps arrive as heartbeats, Temporal's cancellation of the attempt reaches the
 * running executor (a CancelledFailure, the checkpoint kept), and an executor that dies becomes
 * a retryable failure that names it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities/index.js';
import type { TrialHeartbeat } from '../../activities/run-trial.js';
import { ExecutorPool, onPool } from '../../executors/index.js';
import { EXIT_HOOK_ENV } from '../../executors/protocol.js';
import { taskPeakBytes } from '../../executors/task.js';
import { planFromConfig, writeLaunchFiles } from '../../orchestration/run-folder.js';
import { expandGrid, loadConfig, type TrialPoint } from '../../src/config/index.js';
import type { RunTrialInput, RunTrialResult } from '../../workflows/shared.js';
import { FIXTURES } from '../integration/helpers/cli.js';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const mockEnv = (info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {}) =>
  new MockActivityEnvironment(info, { logger: quiet });

describe('the runTrial activity on an executor pool', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-act-pool-'));
  const cwd = process.cwd();
  const victim = expandGrid(loadConfig(path.join(FIXTURES, 'tiny.yaml')))[4].trialId;
  // Executors read the hook from the environment they were started with.
  process.env[EXIT_HOOK_ENV] = `${victim}@10`;
  const pool = new ExecutorPool({ size: 1, budgetBytes: 2 ** 40, estimate: taskPeakBytes });
  const acts = createActivities({ runner: onPool(pool) });
  let points: TrialPoint[];
  let input: (i: number) => RunTrialInput;

  before(async () => {
    process.chdir(dir);
    const plan = planFromConfig(path.join(FIXTURES, 'tiny.yaml'));
    await writeLaunchFiles(plan);
    points = expandGrid(plan.loaded);
    input = (i) => ({
      runDir: plan.runDir,
      configDir: plan.configDir,
      index: i,
      trialId: points[i].trialId,
      checkpointEvery: 10,
    });
    await pool.ready();
  });
  after(async () => {
    delete process.env[EXIT_HOOK_ENV];
    await pool.close();
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it("a cancelled attempt stops the executor's trial mid-training and leaves a checkpoint", async () => {
    const env = mockEnv({ attempt: 1, heartbeatTimeoutMs: 3000 });
    const beats: TrialHeartbeat[] = [];
    env.on('heartbeat', (d: TrialHeartbeat) => {
      beats.push(d);
      if (d.step >= 20) env.cancel();
    });
    await assert.rejects(env.run(acts.runTrial, input(3)), (e: unknown) => e instanceof CancelledFailure);
    assert.ok(
      beats.some((b) => b.trialId === points[3].trialId && b.steps === 40 && b.step >= 20),
      JSON.stringify(beats),
    );
    assert.ok(Math.max(...beats.map((b) => b.step)) < 40, 'stopped before the end');
    assert.ok(existsSync(path.join(input(3).runDir, 'checkpoints', points[3].trialId, 'checkpoint.json')));
    const r: RunTrialResult = await mockEnv({ attempt: 2 }).run(acts.runTrial, input(3));
    assert.ok(r.startedFromStep >= 20, `resumed from ${r.startedFromStep}`);
  });

  it('an executor that dies fails the attempt retryably, with the reason', async () => {
    assert.equal(points[4].trialId, victim);
    await assert.rejects(mockEnv({ attempt: 1 }).run(acts.runTrial, input(4)), (e: unknown) => {
      assert.ok(e instanceof ApplicationFailure);
      assert.equal(e.type, 'ExecutorDiedError');
      assert.equal(e.nonRetryable, false);
      assert.match(
        e.message,
        new RegExp(`executor running trial ${victim} died \\(its thread exited with code 134\\)`),
      );
      return true;
    });
    const r: RunTrialResult = await mockEnv({ attempt: 2 }).run(acts.runTrial, input(4));
    assert.equal(r.status, 'ok');
  });
});
