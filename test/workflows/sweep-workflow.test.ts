/**
 * The sweep workflow (workflows/sweep.ts) on a local Temporal dev server with stub activities
 * (stub-activities.ts): the in-flight window, compaction as trials complete, pause and resume,
 * cancel, continue-as-new carrying its state, and a trial that fails while the others go on. One server and one worker per queue
 * serve every test of the file; each sweep has its own scenario. Trials cost nothing here, so
 * what takes time is the server's round trips: seconds for the file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { findTemporalCli } from '../../orchestration/temporal-cli.js';
import { installWorkerRuntime } from '../../workers/runtime.js';
import { workflowBundlePath } from '../../workers/workflow-bundle.js';
import {
  CANCEL_SIGNAL,
  CPU_QUEUE,
  GPU_QUEUE,
  PAUSE_SIGNAL,
  PROGRESS_QUERY,
  RESUME_SIGNAL,
  sweepWorkflowId,
  type SweepCarry,
  type SweepInput,
  type SweepProgress,
  type SweepResult,
} from '../../workflows/shared.js';
import { activitiesOf, fetchChain } from '../integration/helpers/histories.js';
import { waitFor } from '../integration/helpers/cli.js';
import {
  openEveryGate,
  scenario,
  stubActivities,
  trialIdOf,
  type Scenario,
  type ScenarioSpec,
} from './stub-activities.js';

installWorkerRuntime({ logLevel: 'ERROR' });

let env: TestWorkflowEnvironment;
let workers: Worker[] = [];
let running: Promise<unknown>;

before(async () => {
  const cli = await findTemporalCli();
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli.path },
      ip: '127.0.0.1',
      log: { format: 'pretty', level: 'error' },
      extraArgs: ['--dynamic-config-value', 'frontend.enableServerVersionCheck=false'],
    },
  });
  const bundle = { codePath: await workflowBundlePath() };
  const activities = stubActivities();
  workers = await Promise.all(
    [CPU_QUEUE, GPU_QUEUE].map((taskQueue) =>
      Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities }),
    ),
  );
  running = Promise.all(workers.map((w) => w.run()));
});

after(async () => {
  // A failed test may leave trials at a gate: the workers would wait for them.
  openEveryGate();
  for (const w of workers) w.shutdown();
  await running;
  await env?.teardown();
});

/** Starts the sweep of a new scenario; `input` sets the workflow's tunables. */
async function start(
  spec: ScenarioSpec,
  input: Partial<SweepInput> = {},
): Promise<{ s: Scenario; handle: WorkflowHandle }> {
  const s = scenario(spec);
  const handle = await env.client.workflow.start('sweepWorkflow', {
    taskQueue: CPU_QUEUE,
    workflowId: sweepWorkflowId(spec.sweepId),
    args: [{ runDir: s.runDir, configDir: '/stub', sweepId: spec.sweepId, ...input } satisfies SweepInput],
  });
  return { s, handle };
}

const progress = (handle: WorkflowHandle): Promise<SweepProgress> => handle.query<SweepProgress>(PROGRESS_QUERY);

/** Waits until the sweep's progress satisfies `ok`, and returns that progress. */
const progressWhere = (
  handle: WorkflowHandle,
  what: string,
  ok: (p: SweepProgress) => boolean,
): Promise<SweepProgress> =>
  waitFor(
    what,
    async () => {
      const p = await progress(handle);
      return ok(p) ? p : undefined;
    },
    30_000,
    20,
  );

const heldTrials = (s: Scenario, n: number): Promise<true> =>
  waitFor(`${n} trial(s) held at the gate`, () => (s.gate.held >= n ? true : undefined), 30_000, 10);

const trialIds = (s: Scenario): string[] => s.calls.runTrial.map((t) => t.trialId).sort();
const allTrialIds = (total: number, except: number[] = []): string[] =>
  Array.from({ length: total }, (_, i) => i)
    .filter((i) => !except.includes(i))
    .map(trialIdOf)
    .sort();

/** A sweep that never ends fails its test instead of hanging the file. */
const LIMIT = { timeout: 60_000 };

describe('the sweep workflow on stub activities', () => {
  it('keeps max_parallel trials in flight, never more, and runs each trial once', LIMIT, async () => {
    const { s, handle } = await start({ sweepId: 'window', total: 12, maxParallel: 3, gated: true });
    // The window fills: the trials wait at the gate until three are in flight at once.
    await heldTrials(s, 3);
    const p = await progressWhere(handle, 'three trials running', (q) => q.running >= 3);
    assert.deepEqual({ running: p.running, pending: p.pending }, { running: 3, pending: 9 });
    s.gate.openAll();
    const r: SweepResult = await handle.result();
    assert.equal(s.maxInFlight, 3);
    assert.deepEqual(trialIds(s), allTrialIds(12));
    assert.deepEqual(
      { status: r.status, ok: r.ok, failed: r.failed, aggregated: r.aggregated },
      { status: 'completed', ok: 12, failed: 0, aggregated: true },
    );
    assert.equal(s.calls.plan, 1);
    assert.equal(s.calls.aggregate, 1);
  });

  it(
    'compacts the run folder every compactEvery completions, one at a time, and once more before aggregating',
    LIMIT,
    async () => {
      const { s, handle } = await start(
        { sweepId: 'compact', total: 10, maxParallel: 1 },
        { compactEvery: 4, compactAfterS: 3600 },
      );
      const r: SweepResult = await handle.result();
      assert.equal(r.status, 'completed');
      // Asked for after the 4th and 8th completions (a trial may end before the activity starts), then the last one.
      assert.equal(s.calls.compact.length, 3, `compactions at ${s.calls.compact.join(', ')} completions`);
      assert.ok(
        s.calls.compact[0] >= 4 && s.calls.compact[1] >= 8,
        `compactions at ${s.calls.compact.join(', ')} completions`,
      );
      assert.equal(s.calls.compact[2], 10, 'the last compaction runs after every trial');
      assert.equal(s.calls.aggregate, 1);
    },
  );

  it('pause lets the running trials finish and starts none; resume goes on to the end', LIMIT, async () => {
    const { s, handle } = await start({ sweepId: 'pause', total: 8, maxParallel: 2, gated: true });
    await heldTrials(s, 2);
    await handle.signal(PAUSE_SIGNAL);
    await progressWhere(handle, 'the pause seen', (q) => q.paused);
    s.gate.releaseOne();
    s.gate.releaseOne();
    // Both finished and nothing is running: no trial was started after the pause.
    const p = await progressWhere(handle, 'the running trials finished', (q) => q.ok === 2);
    assert.deepEqual(
      { running: p.running, paused: p.paused, phase: p.phase },
      { running: 0, paused: true, phase: 'running' },
    );
    assert.equal(s.calls.runTrial.length, 2);

    await handle.signal(RESUME_SIGNAL);
    s.gate.openAll();
    const r: SweepResult = await handle.result();
    assert.equal(r.status, 'completed');
    assert.equal(r.ok, 8);
    assert.deepEqual(trialIds(s), allTrialIds(8));
    assert.equal(s.maxInFlight, 2);
  });

  it('cancel lets the running trials finish, starts none, and ends cancelled without aggregating', LIMIT, async () => {
    const { s, handle } = await start({ sweepId: 'cancel', total: 10, maxParallel: 2, gated: true });
    await heldTrials(s, 2);
    await handle.signal(CANCEL_SIGNAL);
    const p = await progressWhere(handle, 'the cancel seen', (q) => q.cancelling);
    assert.equal(p.phase, 'draining');
    s.gate.openAll();
    const r: SweepResult = await handle.result();
    assert.deepEqual(
      { status: r.status, ok: r.ok, aggregated: r.aggregated, runs: r.runs },
      { status: 'cancelled', ok: 2, aggregated: false, runs: 1 },
    );
    assert.equal(s.calls.runTrial.length, 2);
    assert.equal(s.calls.aggregate, 0);
  });

  it('a failing trial is recorded as failed once its retries are spent; the others go on', LIMIT, async () => {
    const failing = new Map<number, () => Error>([
      [2, () => new Error('simulated crash')],
      // Bad input is not retried: the workflow's retry policy names its type.
      [
        4,
        () =>
          ApplicationFailure.create({ type: 'DatasetError', message: 'x.csv:3:1: not a number', nonRetryable: false }),
      ],
    ]);
    const { s, handle } = await start({ sweepId: 'failing', total: 6, maxParallel: 2, retries: 1, failing });
    const r: SweepResult = await handle.result();
    assert.deepEqual(
      { status: r.status, ok: r.ok, failed: r.failed, aggregated: r.aggregated },
      { status: 'completed', ok: 4, failed: 2, aggregated: true },
    );
    const attempts = (index: number): number => s.calls.runTrial.filter((t) => t.index === index).length;
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(attempts), [1, 1, 2, 1, 1, 1]);
    const recorded = [...s.calls.recordFailed].sort((a, b) => a.index - b.index);
    assert.deepEqual(
      recorded.map(({ trialId, index, attempts, error }) => ({ trialId, index, attempts, error })),
      [
        { trialId: trialIdOf(2), index: 2, attempts: 2, error: 'Error: simulated crash' },
        { trialId: trialIdOf(4), index: 4, attempts: 1, error: 'DatasetError: x.csv:3:1: not a number' },
      ],
    );
  });

  it(
    'continues as new with its plan, cursor, queue, counts and start time carried: each trial once over the chain',
    LIMIT,
    async () => {
      const complete = [0, 1, 9, 17];
      const diverged = [5, 12];
      const { s, handle } = await start(
        { sweepId: 'chain', total: 24, maxParallel: 2, complete, diverged },
        { maxHistoryEvents: 40, planPageSize: 10 },
      );
      const r: SweepResult = await handle.result();
      assert.deepEqual(
        { status: r.status, ok: r.ok, diverged: r.diverged, skipped: r.skipped, failed: r.failed },
        { status: 'completed', ok: 22, diverged: 2, skipped: 4, failed: 0 },
      );
      assert.deepEqual(trialIds(s), allTrialIds(24, complete), 'each trial to run, once');
      assert.equal(s.calls.plan, 1, 'the plan is carried, not made again');
      assert.deepEqual(s.calls.planPages, [0, 10, 20], 'the cursor is carried: each page planned once');
      assert.equal(s.calls.aggregate, 1);

      const chain = await fetchChain(env.client, handle.workflowId);
      assert.ok(chain.length >= 3, `a chain of ${chain.length} run(s)`);
      assert.equal(r.runs, chain.length);
      const carried = chain.slice(0, -1).map((run) => {
        const attrs = run.history.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes!;
        return defaultPayloadConverter.fromPayload<SweepInput>(attrs.input!.payloads![0]).carry!;
      });
      assert.ok(
        carried.some((c) => c.queue.length > 0),
        'some run handed on planned trials not yet started',
      );
      let done = { ok: 0, diverged: 0 };
      carried.forEach((c: SweepCarry, i) => {
        // What this run's trials ended as, added to what the previous runs carried.
        for (const t of activitiesOf(chain[i].history).filter((a) => a.activityType === 'runTrial')) {
          done =
            (t.result as { status: string }).status === 'ok'
              ? { ...done, ok: done.ok + 1 }
              : { ...done, diverged: done.diverged + 1 };
        }
        const pagesSoFar = s.calls.planPages.filter((from) => from < c.cursor).length;
        assert.equal(c.runs, i + 1);
        assert.equal(c.startedAtMs, carried[0].startedAtMs);
        assert.equal(c.plan.total, 24);
        assert.equal(c.cursor, Math.min(24, pagesSoFar * 10));
        assert.equal(c.counts.ok, done.ok + complete.filter((x) => x < c.cursor).length, `run ${i + 1}: ok carried`);
        assert.equal(c.counts.diverged, done.diverged, `run ${i + 1}: diverged carried`);
        assert.equal(c.counts.skipped, complete.filter((x) => x < c.cursor).length, `run ${i + 1}: skipped carried`);
      });
      const last = await progress(handle);
      assert.equal(Date.parse(last.startedAt), carried[0].startedAtMs);
      assert.equal(last.run, chain.length);
    },
  );

  it('a pause seen while draining for continue-as-new holds in the next run until resume', LIMIT, async () => {
    const { s, handle } = await start(
      { sweepId: 'paused-chain', total: 12, maxParallel: 2, gated: true },
      { maxHistoryEvents: 30 },
    );
    // Let trials finish one at a time until the run stops launching to continue as new.
    await waitFor(
      'the first run draining',
      async () => {
        const p = await progress(handle);
        if (p.phase === 'draining') return true;
        if (s.gate.held === 2) s.gate.releaseOne();
        return undefined;
      },
      30_000,
      20,
    );
    await handle.signal(PAUSE_SIGNAL);
    await progressWhere(handle, 'the pause seen', (q) => q.paused);
    const started = s.calls.runTrial.length;
    s.gate.openAll();
    const p = await progressWhere(handle, 'the next run', (q) => q.run === 2 && q.running === 0);
    assert.equal(p.paused, true);
    assert.equal(p.ok, started);
    assert.equal(s.calls.runTrial.length, started, 'no trial started in the paused run');

    await handle.signal(RESUME_SIGNAL);
    const r: SweepResult = await handle.result();
    assert.equal(r.ok, 12);
    assert.deepEqual(trialIds(s), allTrialIds(12));
  });
});
