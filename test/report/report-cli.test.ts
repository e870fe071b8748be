/**
 * `ntk-sweep report` on folders it cannot report on: one clear line, exit code 2, nothing written.
 * (The report of a real run folder through this command is test/report/browser.test.ts.)
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../cli/run-cli.js';

test('a missing run folder: one line saying so, exit 2', () => {
  const missing = path.join(tmpdir(), 'ntk-no-such-run-folder');
  const r = runCli(['report', missing]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr.trim(), /ntk-no-such-run-folder: no such run folder$/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.ok(!existsSync(missing));
});

test('a folder without trials: says there is nothing to aggregate, writes nothing', () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'ntk-empty-run-'));
  const r = runCli(['report', empty]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /no trials table/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.deepEqual(readdirSync(empty), []);
});
