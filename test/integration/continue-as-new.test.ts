/**
 * A sweep of 2 000 trials (train.steps 0: initialisation and tables only)
 * completes through `ntk-sweep run` with continue-as-new in its run chain, and no history of the
 * chain exceeds a few thousand events. The run folder lives on tmpfs when there is one: the
 * tables are fsynced file by file, which would otherwise dominate.
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

/** "A few thousand": the workflow continues as new at 2 000 events and drains its window first. */
const MAX_EVENTS = 3000;

describe('a sweep of 2 000 trials', () => {
  const { dir, config } = workdirWith('steps0.yaml', fastTmp());
  const runDir = path.join(dir, 'runs', 'steps0');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('completes in a continue-as-new chain of small histories', async () => {
    const r = await runCli(['run', 'steps0.yaml', '--json'], { cwd: dir, timeoutMs: 600_000 });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.equal(result.status, 'completed');
    assert.equal(result.total, 2000);
    assert.equal(result.ok + result.diverged, 2000);
    assert.equal(result.failed, 0);
    // Compacted as it ran: every trial complete, in parts or small files.
    const states = await trialStates(runDir);
    assert.equal([...states.values()].filter((s) => s === 'complete').length, 2000);

    await withRunServer(runDir, async (client) => {
      const chain = await fetchChain(client, sweepWorkflowId(sweepIdOf(loadConfig(config))));
      assert.ok(chain.length >= 3, `a chain of ${chain.length} run(s)`);
      assert.equal(result.runs, chain.length);
      chain.forEach((run, i) => {
        assert.equal(run.continuedAsNew, i < chain.length - 1, `run ${i + 1}`);
        assert.ok(run.events <= MAX_EVENTS, `run ${i + 1} has ${run.events} events`);
      });
      const trials = chain.flatMap((run) => activitiesOf(run.history)).filter((a) => a.activityType === 'runTrial');
      assert.equal(trials.length, 2000, 'each trial once over the chain');
      assert.equal(new Set(trials.map((a) => (a.result as { trialId: string }).trialId)).size, 2000);
    });
  });
});
