/**
 * The executor pool (executors/pool.ts) on real trials of a run folder, without a Temporal server:
 * admission by estimated peak memory within a small budget, an executor that dies mid-trial
 * (the exit hook of executors/executor-thread.ts) failing only that attempt and being replaced,
 * cancellation reaching a running executor, and the core's typed errors crossing the thread.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExecutorDiedError, ExecutorPool, type TrialTask } from '../../executors/index.js';
import { EXIT_HOOK_ENV } from '../../executors/protocol.js';
import { taskPeakBytes } from '../../executors/task.js';
import { planFromConfig, writeLaunchFiles } from '../../orchestration/run-folder.js';
import { expandGrid, type TrialPoint } from '../../src/config/index.js';
import { failureKind } from '../../src/failure-kinds.js';
import { checkTrial } from '../../src/tables/read.js';
import { trialFile } from '../../src/tables/layout.js';
import { FIXTURES } from '../integration/helpers/cli.js';

const quietHooks = { onProgress() {}, onNote() {} };

describe('the executor pool', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-pool-'));
  const cwd = process.cwd();
  let runDir: string;
  let configDir: string;
  let points: TrialPoint[];
  const task = (p: TrialPoint, attempt = 1): TrialTask => ({
    runDir,
    configDir,
    index: p.index,
    trialId: p.trialId,
    checkpointEvery: 10,
    attempt,
  });

  before(async () => {
    process.chdir(dir);
    // tiny.yaml: widths 16, 24, 32, 64 × seeds 0, 1 (the width varies slowest).
    const plan = planFromConfig(path.join(FIXTURES, 'tiny.yaml'));
    await writeLaunchFiles(plan);
    runDir = plan.runDir;
    configDir = plan.configDir;
    points = expandGrid(plan.loaded);
  });
  after(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('with a small memory budget runs large trials one at a time, small ones side by side, never over budget', async () => {
    const bytes = new Map(points.map((p) => [p.trialId, taskPeakBytes(task(p))]));
    const small = bytes.get(points[0].trialId)!;
    const large = bytes.get(points[7].trialId)!;
    assert.ok(large > small, `estimates: width 64 ${large} B, width 16 ${small} B`);
    // Two small trials fit; two of the largest do not.
    const budget = small + large;
    const pool = new ExecutorPool({ size: 2, budgetBytes: budget, estimate: taskPeakBytes });
    try {
      await pool.ready();
      const results = await Promise.all(points.map((p) => pool.run(task(p), quietHooks)));
      assert.deepEqual(
        results.map((r) => r.status),
        Array(8).fill('ok'),
      );
      const adm = pool.stats.admissions;
      assert.equal(adm.length, 8);
      for (const a of adm) assert.ok(a.admittedBytes <= budget, `admitted ${a.admittedBytes} B of ${budget} B`);
      const widest = new Set(points.filter((p) => p.params.width === 64).map((p) => p.trialId));
      for (const a of adm.filter((x) => widest.has(x.trialId))) {
        assert.ok(!a.alongside.some((id) => widest.has(id)), 'two width-64 trials ran at once');
      }
      const secondSmall = adm.find((a) => a.trialId === points[1].trialId)!;
      assert.deepEqual(secondSmall.alongside, [points[0].trialId], 'the two width-16 trials ran side by side');
      assert.equal(pool.stats.maxRunning, 2);
    } finally {
      await pool.close();
    }
  });

  it('an executor that dies mid-trial fails only that attempt; it is replaced and the retry resumes from the checkpoint', async () => {
    // The first test completed every trial: their completion markers go, so each runs again.
    for (const p of points) rmSync(trialFile(runDir, 'trials', p.trialId), { force: true });
    const [victim, other] = [points[6], points[2]];
    process.env[EXIT_HOOK_ENV] = `${victim.trialId}@20`;
    const pool = new ExecutorPool({ size: 2, budgetBytes: 2 ** 40, estimate: taskPeakBytes });
    try {
      const steps: number[] = [];
      const [died, ok] = await Promise.allSettled([
        pool.run(task(victim), { onProgress: (s) => steps.push(s), onNote() {} }),
        pool.run(task(other), quietHooks),
      ]);
      assert.equal(died.status, 'rejected');
      assert.ok((died as PromiseRejectedResult).reason instanceof ExecutorDiedError);
      assert.match(
        String((died as PromiseRejectedResult).reason.message),
        new RegExp(`executor running trial ${victim.trialId} died \\(its thread exited with code 134\\)`),
      );
      assert.ok(Math.max(...steps) < 20, `progress reached ${Math.max(...steps)} before the executor died`);
      assert.equal(ok.status, 'fulfilled', 'the other trial went on');
      assert.equal(pool.stats.died, 1);
      assert.ok(
        existsSync(path.join(runDir, 'checkpoints', victim.trialId, 'checkpoint.json')),
        'its checkpoint stays',
      );
      // The replacement executor takes the retry (the hook fires on attempt 1 only).
      await pool.ready();
      const retry = await pool.run(task(victim, 2), quietHooks);
      assert.equal(retry.status, 'ok');
      // Step 20's checkpoint is written before that step is reported, so the executor died after it.
      assert.equal(retry.startedFromStep, 20);
      assert.equal(checkTrial(runDir, victim.trialId).state, 'complete');
    } finally {
      delete process.env[EXIT_HOOK_ENV];
      await pool.close();
    }
  });

  it('a cancelled trial stops at its next logged step with its checkpoint, and the executor takes the next trial', async () => {
    const p = points[5];
    const pool = new ExecutorPool({ size: 1, budgetBytes: 2 ** 40, estimate: taskPeakBytes });
    try {
      const ac = new AbortController();
      const reason = new Error('cancelled by the test');
      const seen: number[] = [];
      const run = pool.run(
        task(p),
        {
          onProgress: (s) => {
            seen.push(s);
            if (s >= 20) ac.abort(reason);
          },
          onNote() {},
        },
        ac.signal,
      );
      await assert.rejects(run, (e) => e === reason);
      assert.ok(Math.max(...seen) < 40, `ran to step ${Math.max(...seen)}`);
      assert.ok(existsSync(path.join(runDir, 'checkpoints', p.trialId, 'checkpoint.json')));
      assert.notEqual(checkTrial(runDir, p.trialId).state, 'complete');
      const next = await pool.run(task(p, 2), quietHooks);
      assert.ok(next.startedFromStep >= 10, `resumed from ${next.startedFromStep}`);
      assert.equal(pool.stats.died, 0, 'the executor was reused, not replaced');
    } finally {
      await pool.close();
    }
  });

  it('a config error in the executor arrives under its name, which src/failure-kinds.ts treats as bad input', async () => {
    const pool = new ExecutorPool({ size: 1, budgetBytes: 2 ** 40, estimate: () => 1 });
    try {
      await assert.rejects(pool.run({ ...task(points[0]), trialId: '000000000000' }, quietHooks), (e) => {
        assert.ok(e instanceof Error, String(e));
        assert.equal(e.name, 'ConfigError');
        assert.equal(failureKind(e.name), 'bad-input');
        assert.match(e.message, /not trial 000000000000/);
        return true;
      });
    } finally {
      await pool.close();
    }
  });
});
