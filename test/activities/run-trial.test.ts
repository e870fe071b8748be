/**
 * The runTrial activity in a mock activity context (no server): heartbeats carry the step; a
 * cancelled attempt stops at the next logged step and leaves its checkpoint; the next attempt
 * resumes from it and computes only the rest; a planned trial that no longer matches the config is
 * a non-retryable ConfigError; and plan/planPage see the trial as complete afterwards.
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
import { planFromConfig, writeLaunchFiles } from '../../orchestration/run-folder.js';
import { expandGrid } from '../../src/config/index.js';
import type { PlanPageResult, RunTrialInput, RunTrialResult } from '../../workflows/shared.js';
import { FIXTURES } from '../integration/helpers/cli.js';

/** The activity's own failure logs are expected here. */
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const mockEnv = (info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {}) =>
  new MockActivityEnvironment(info, { logger: quiet });

describe('the runTrial activity', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-act-'));
  const cwd = process.cwd();
  const acts = createActivities();
  let input: RunTrialInput;

  before(async () => {
    process.chdir(dir);
    const plan = planFromConfig(path.join(FIXTURES, 'tiny.yaml'));
    await writeLaunchFiles(plan);
    const point = expandGrid(plan.loaded)[5];
    input = {
      runDir: plan.runDir,
      configDir: plan.configDir,
      index: point.index,
      trialId: point.trialId,
      checkpointEvery: 10,
    };
  });
  after(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a cancelled attempt stops mid-training and leaves a checkpoint', async () => {
    const env = mockEnv({ attempt: 1, heartbeatTimeoutMs: 3000 });
    const beats: TrialHeartbeat[] = [];
    env.on('heartbeat', (d: TrialHeartbeat) => {
      beats.push(d);
      if (d.step >= 20) env.cancel();
    });
    await assert.rejects(env.run(acts.runTrial, input), (e: unknown) => e instanceof CancelledFailure);
    assert.ok(
      beats.some((b) => b.trialId === input.trialId && b.steps === 40 && b.step >= 20),
      JSON.stringify(beats),
    );
    assert.ok(existsSync(path.join(input.runDir, 'checkpoints', input.trialId, 'checkpoint.json')));
    assert.equal(existsSync(path.join(input.runDir, 'trials', `${input.trialId}.parquet`)), false);
  });

  it('the next attempt resumes from the checkpoint and computes only the rest', async () => {
    const env = mockEnv({ attempt: 2, heartbeatTimeoutMs: 3000 });
    const steps: number[] = [];
    env.on('heartbeat', (d: TrialHeartbeat) => steps.push(d.step));
    const r: RunTrialResult = await env.run(acts.runTrial, input);
    assert.equal(r.status, 'ok');
    assert.equal(r.skipped, false);
    assert.ok(r.startedFromStep >= 10 && r.startedFromStep <= 30, `resumed from ${r.startedFromStep}`);
    assert.equal(r.stepsComputed, 40 - r.startedFromStep);
    assert.ok(steps.length > 0 && Math.min(...steps.filter((s) => s > 0)) >= r.startedFromStep, `heartbeats ${steps}`);
    assert.equal(existsSync(path.join(input.runDir, 'checkpoints', input.trialId)), false);
  });

  it('a complete trial is skipped, and planning sees it complete', async () => {
    const r: RunTrialResult = await mockEnv({ attempt: 1 }).run(acts.runTrial, input);
    assert.equal(r.skipped, true);
    assert.equal(r.stepsComputed, 0);
    const page: PlanPageResult = await mockEnv().run(acts.planPage, {
      runDir: input.runDir,
      configDir: input.configDir,
      from: 0,
      limit: 8,
    });
    assert.equal(page.next, 8);
    assert.equal(page.trials.length, 7);
    assert.ok(!page.trials.some((t) => t.trialId === input.trialId));
    assert.equal(page.complete.ok + page.complete.diverged, 1);
  });

  it('a planned trial that the config no longer has is a non-retryable ConfigError', async () => {
    const env = mockEnv({ attempt: 1 });
    await assert.rejects(env.run(acts.runTrial, { ...input, trialId: '000000000000' }), (e: unknown) => {
      assert.ok(e instanceof ApplicationFailure);
      assert.equal(e.type, 'ConfigError');
      assert.equal(e.nonRetryable, true);
      assert.match(e.message, /not trial 000000000000/);
      return true;
    });
  });
});
