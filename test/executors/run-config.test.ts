/**
 * A worker parses a sweep's config and expands its grid once, keyed by the config's content; an
 * executor thread is handed its trial's grid point and only parses (docs/orchestration.md, "One
 * parse per sweep").
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadRunConfig, loadRunConfigParsed, runConfigFile } from '../../src/tables/run-config.js';
import { withResolvedPoint, type TrialTask } from '../../executors/task.js';
import { ConfigError } from '../../src/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ntk-run-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runFolder(widths: number[]): { runDir: string; configDir: string } {
  const runDir = path.join(dir, 'run');
  mkdirSync(runDir, { recursive: true });
  writeFileSync(
    runConfigFile(runDir),
    `name: cache\nmodel: { depth: 1 }\ngrid: { width: [${widths.join(', ')}], seed: [0, 1] }\ntrain: { steps: 0 }\n`,
  );
  return { runDir, configDir: dir };
}

test('the grid is expanded once per config content: a rewritten config.yaml is read again', () => {
  const ref = runFolder([8, 16]);
  const a = loadRunConfig(ref);
  assert.equal(loadRunConfig(ref), a, 'the same expansion for the same content');
  assert.equal(loadRunConfigParsed(ref), a.loaded, 'one parse shared by the grid and the parse-only callers');
  assert.equal(a.points.length, 4);
  runFolder([8, 16, 32]);
  const b = loadRunConfig(ref);
  assert.notEqual(b, a);
  assert.equal(b.points.length, 6);
});

test('a task handed to an executor carries its grid point and sweep id, checked against the planned trial id', () => {
  const ref = runFolder([8, 16]);
  const rc = loadRunConfig(ref);
  const task: TrialTask = { ...ref, index: 3, trialId: rc.points[3].trialId, checkpointEvery: 0, attempt: 1 };
  const resolved = withResolvedPoint(task);
  assert.deepEqual(resolved.resolved, { point: rc.points[3], sweepId: rc.sweepId });
  assert.equal(withResolvedPoint(resolved), resolved);
  // Small enough for a thread message: the point is its index, id and grid values, not the config.
  assert.ok(JSON.stringify(resolved).length < 600, JSON.stringify(resolved));
  assert.throws(() => withResolvedPoint({ ...task, trialId: 'aaaaaaaaaaaa' }), ConfigError);
});
