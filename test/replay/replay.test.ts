/**
 * Workflow determinism. The histories recorded by the integration tests
 * (test/replay/histories/*.json; refresh with NTK_RECORD_HISTORIES=1 after a deliberate,
 * versioned change) replay against the current workflow code without a determinism error — and a
 * changed workflow is caught, so the check can fail.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { installWorkerRuntime } from '../../workers/runtime.js';
import { workflowBundlePath } from '../../workers/workflow-bundle.js';
import { HISTORIES_DIR } from '../integration/helpers/histories.js';

const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const histories = files.map((f) => ({
  workflowId: `replay-${path.basename(f, '.json')}`,
  history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, f), 'utf8'))),
}));
installWorkerRuntime({ logLevel: 'ERROR' });
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('replaying recorded sweep histories', () => {
  it('has histories to replay: plain runs, continue-as-new, failures, kills', () => {
    assert.ok(files.length >= 4, `only ${files.length} histories in ${HISTORIES_DIR}`);
    const events = histories.flatMap((h) => h.history.events ?? []);
    assert.ok(
      events.some((e) => e.workflowExecutionContinuedAsNewEventAttributes),
      'a history that continued as new',
    );
    assert.ok(
      events.some(
        (e) => e.activityTaskStartedEventAttributes?.attempt && e.activityTaskStartedEventAttributes.attempt > 1,
      ),
      'a retried trial',
    );
  });

  it('every history replays against the current workflow code', async () => {
    const results = [];
    for await (const r of Worker.runReplayHistories(
      { workflowBundle: { codePath: await workflowBundlePath() } },
      histories,
    )) {
      results.push(r);
    }
    assert.equal(results.length, histories.length);
    for (const r of results) assert.equal(r.error, undefined, `${r.workflowId}: ${r.error?.message}`);
  });

  it('a changed workflow fails the replay with a determinism error', async () => {
    const bundle = await bundleWorkflowCode({
      workflowsPath: path.join(import.meta.dirname, 'altered-workflows', 'index.ts'),
      logger: quiet,
    });
    const [first] = histories;
    await assert.rejects(
      Worker.runReplayHistory({ workflowBundle: bundle }, first.history, first.workflowId),
      (e: unknown) => (e as Error).name === 'DeterminismViolationError',
    );
  });
});
