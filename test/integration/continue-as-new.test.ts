/**
 * A real sweep long enough for a continue-as-new chain: 600 trials (train.steps 0: initialisation
 * and tables only) through `ntk-sweep run` with the history limit at 500 events, so the real
 * server, workers and activities go through several runs and two plan pages. Each trial is
 * trained once over the chain, and no run's history outgrows the limit by more than the drain of
 * its window. What each run hands the next is checked in test/workflows/sweep-workflow.test.ts
 * on stub activities. The run folder lives on tmpfs when there is one: the tables are fsynced
 * file by file, which would otherwise dominate.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig, sweepIdOf } from '../../src/config/index.js';
import { sweepWorkflowId } from '../../workflows/shared.js';
import { trialStates } from '../../src/tables/read.js';
import { fastTmp, runCli, workdirWith } from './helpers/cli.js';
import { activitiesOf, fetchChain } from './helpers/histories.js';
import { withRunServer } from './helpers/server.js';

const TRIALS = 600;
/** The history limit given to the run: far below the default, so that 600 trials make a chain. */
const LIMIT = 500;
/** A run stops launching at the limit, then drains its window (max_parallel 8, a few events per trial). */
const MAX_EVENTS = LIMIT + 100;

describe(`a sweep of ${TRIALS} trials`, () => {
  const { dir, config } = workdirWith('steps0.yaml', fastTmp());
  const runDir = path.join(dir, 'runs', 'steps0');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('completes in a continue-as-new chain of small histories', async () => {
    // Trials in-process (--executors 0): the chain is the subject here, executors.test.ts covers the pool.
    const r = await runCli(
      ['run', 'steps0.yaml', '--json', '--max-history-events', String(LIMIT), '--executors', '0'],
      {
        cwd: dir,
        timeoutMs: 300_000,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.equal(result.status, 'completed');
    assert.equal(result.total, TRIALS);
    assert.equal(result.ok + result.diverged, TRIALS);
    assert.equal(result.failed, 0);
    // Compacted as it ran: every trial complete, in parts or small files.
    const states = await trialStates(runDir);
    assert.equal([...states.values()].filter((st) => st === 'complete').length, TRIALS);

    await withRunServer(runDir, async (client) => {
      const chain = await fetchChain(client, sweepWorkflowId(sweepIdOf(loadConfig(config))));
      assert.ok(chain.length >= 3, `a chain of ${chain.length} run(s)`);
      assert.equal(result.runs, chain.length);
      chain.forEach((run, i) => {
        assert.equal(run.continuedAsNew, i < chain.length - 1, `run ${i + 1}`);
        assert.ok(run.events <= MAX_EVENTS, `run ${i + 1} has ${run.events} events`);
      });
      const trials = chain.flatMap((run) => activitiesOf(run.history)).filter((a) => a.activityType === 'runTrial');
      assert.equal(trials.length, TRIALS, 'each trial once over the chain');
      assert.equal(new Set(trials.map((a) => (a.result as { trialId: string }).trialId)).size, TRIALS);
      const pages = chain.flatMap((run) => activitiesOf(run.history)).filter((a) => a.activityType === 'planPage');
      assert.equal(pages.length, 2, 'two plan pages over the chain');
    });
  });
});
