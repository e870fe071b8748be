/**
 * A sweep of 8 trials through the real `ntk-sweep run` (embedded dev server,
 * in-process workers) writes every table for every trial exactly once; running it again trains
 * nothing. The run's histories are read back from its own database (and recorded as replay
 * fixtures with NTK_RECORD_HISTORIES=1).
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expandGrid, loadConfig, sweepIdOf } from '../../src/config/index.js';
import { readTable } from '../../src/tables/read.js';
import { sweepWorkflowId, type RunTrialResult } from '../../workflows/shared.js';
import { runCli, tableFiles, workdirWith } from './helpers/cli.js';
import { activitiesOf, fetchChain, maybeRecordHistory } from './helpers/histories.js';
import { withRunServer } from './helpers/server.js';

const TABLES = ['trials', 'curves', 'kernels', 'predictions', 'spectra', 'modes'];

describe('ntk-sweep run, end to end (embedded server)', () => {
  const { dir, config } = workdirWith('tiny.yaml');
  const runDir = path.join(dir, 'runs', 'tiny');
  const loaded = loadConfig(config);
  const ids = expandGrid(loaded)
    .map((p) => p.trialId)
    .sort();
  const sweepId = sweepIdOf(loaded);
  let first: Awaited<ReturnType<typeof runCli>>;

  before(async () => {
    // A low history limit makes the 8 trials span a continue-as-new chain (replayed by test/replay/replay.test.ts).
    first = await runCli(['run', 'tiny.yaml', '--json', '--max-history-events', '40'], { cwd: dir });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('completes with every trial ok', () => {
    assert.equal(first.status, 0, first.stderr);
    const result = JSON.parse(first.stdout.trim().split('\n').at(-1)!);
    assert.equal(result.status, 'completed');
    assert.equal(result.total, 8);
    assert.equal(result.ok + result.diverged, 8);
    assert.equal(result.failed, 0);
    assert.equal(result.skipped, 0);
    assert.equal(result.aggregated, true);
    assert.ok(result.runs >= 2, `expected a continue-as-new chain, got ${result.runs} run(s)`);
  });

  it('writes every table once per trial, plus the launch files and the aggregation', async () => {
    for (const t of TABLES)
      assert.deepEqual(
        tableFiles(runDir, t),
        ids.map((id) => `${id}.parquet`),
        t,
      );
    assert.ok(tableFiles(runDir, 'analytic').length >= 1);
    for (const f of [
      'config.yaml',
      'manifest.json',
      'summary/summary.parquet',
      'fits/fits.parquet',
      '.temporal/temporal.db',
    ]) {
      assert.ok(existsSync(path.join(runDir, f)), f);
    }
    const trials = (await readTable(runDir, 'trials')).toArray().map((r) => r.toJSON());
    assert.deepEqual(trials.map((r) => r.trial_id).sort(), ids);
    for (const r of trials) {
      assert.equal(r.sweep_id, sweepId);
      assert.equal(r.attempts, 1);
      assert.equal(r.steps_done, 40);
    }
    const curves = (await readTable(runDir, 'curves')).toArray().map((r) => r.toJSON());
    const perTrial = new Map<string, number[]>();
    for (const r of curves) perTrial.set(r.trial_id, [...(perTrial.get(r.trial_id) ?? []), r.step]);
    for (const id of ids)
      assert.deepEqual(
        perTrial.get(id)!.sort((a, b) => a - b),
        [0, 10, 20, 30, 40],
        id,
      );
  });

  it('trained each trial exactly once, on the GPU queue, in a chain of small histories', async () => {
    await withRunServer(runDir, async (client) => {
      const chain = await fetchChain(client, sweepWorkflowId(sweepId));
      assert.ok(chain.length >= 2);
      assert.deepEqual(
        chain.map((r) => r.continuedAsNew),
        chain.map((_, i) => i < chain.length - 1),
      );
      chain.forEach((r, i) => maybeRecordHistory(`tiny-run${i + 1}`, r.history));
      const trials = chain.flatMap((r) => activitiesOf(r.history)).filter((a) => a.activityType === 'runTrial');
      assert.equal(trials.length, 8);
      for (const a of trials) {
        assert.equal(a.outcome, 'completed');
        assert.equal(a.taskQueue, 'ntk-gpu');
        assert.equal(a.attempt, 1);
        const r = a.result as RunTrialResult;
        assert.equal(r.skipped, false);
        assert.equal(r.startedFromStep, 0);
        assert.equal(r.stepsComputed, 40);
      }
      assert.deepEqual(trials.map((a) => (a.result as RunTrialResult).trialId).sort(), ids);
    });
  });

  it('a second run of the same config trains nothing and rewrites no trial table', async () => {
    const before = new Map(ids.map((id) => [id, statSync(path.join(runDir, 'trials', `${id}.parquet`)).mtimeMs]));
    const again = await runCli(['run', 'tiny.yaml', '--json'], { cwd: dir });
    assert.equal(again.status, 0, again.stderr);
    const result = JSON.parse(again.stdout.trim().split('\n').at(-1)!);
    assert.equal(result.status, 'completed');
    assert.equal(result.skipped, 8);
    assert.equal(result.ok + result.diverged, 8);
    for (const id of ids)
      assert.equal(statSync(path.join(runDir, 'trials', `${id}.parquet`)).mtimeMs, before.get(id), id);
    await withRunServer(runDir, async (client) => {
      const chain = await fetchChain(client, sweepWorkflowId(sweepId));
      const kinds = chain.flatMap((r) => activitiesOf(r.history)).map((a) => a.activityType);
      assert.equal(kinds.filter((k) => k === 'runTrial').length, 0, kinds.join(','));
    });
  });
});
