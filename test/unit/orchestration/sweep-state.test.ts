/** How a sweep's state is told when no progress answers (orchestration/sweep-state.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { statusOfClosed, statusOffline, writeSweepEnd } from '../../../orchestration/sweep-state.js';

test('a closed workflow without a result is failed, or cancelled when terminated', () => {
  const counts = { total: 4, complete: 1, failed: 1 };
  const failed = statusOfClosed('s-1', 'FAILED', counts, '/r', 'the dataset changed');
  assert.equal(failed.state, 'failed');
  assert.equal(failed.error, 'the dataset changed');
  assert.equal(failed.pending, 2);
  assert.equal(statusOfClosed('s-1', 'TIMED_OUT', counts).state, 'failed');
  assert.equal(statusOfClosed('s-1', 'TERMINATED', counts).state, 'cancelled');
});

test('from the run folder: the recorded end, else complete or interrupted by the tables', () => {
  const runDir = mkdtempSync(path.join(tmpdir(), 'ntk-state-'));
  try {
    mkdirSync(path.join(runDir, '.temporal'));
    assert.equal(statusOffline('s-1', runDir, { total: 4, complete: 4, failed: 0 }).state, 'completed');
    assert.equal(statusOffline('s-1', runDir, { total: 4, complete: 3, failed: 1 }).state, 'completed');
    assert.equal(statusOffline('s-1', runDir, { total: 4, complete: 2, failed: 0 }).state, 'interrupted');
    writeSweepEnd(runDir, { state: 'failed', error: 'bad data' });
    const s = statusOffline('s-1', runDir, { total: 4, complete: 2, failed: 0 });
    assert.equal(s.state, 'failed');
    assert.equal(s.error, 'bad data');
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
});
