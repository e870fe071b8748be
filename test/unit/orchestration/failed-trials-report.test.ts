/**
 * The end of a sweep with failed trials (orchestration/failed-trials.ts): each failed trial's
 * reason is printed from its `trials` row (the real writer's files), and a failure for bad input
 * (a data set or config a trial could not use) makes the exit code 2; other failures leave it to
 * the caller.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { reportFailedTrials } from '../../../orchestration/failed-trials.js';
import { writeFailedTrial, writeTrialTables } from '../../../src/tables/write.js';
import { syntheticTrialTables } from '../../helpers/synthetic-trial.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const runDir = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'ntk-failed-'));
  dirs.push(d);
  return d;
};

async function fail(dir: string, trialId: string, error: string): Promise<void> {
  const row = syntheticTrialTables({ trialId }).trials;
  await writeFailedTrial(dir, { ...row, status: 'failed', error });
}

test('a trial failed for bad data: its located reason is printed and the exit code is 2', async () => {
  const dir = runDir();
  await writeTrialTables(dir, syntheticTrialTables({ trialId: 't-ok' }));
  await fail(
    dir,
    't-bad',
    "DatasetError: nan.csv:3:1: column 'x1': expected a finite number, found 'NaN'\nnan.csv:4:1: column 'x1': expected a finite number, found 'inf'",
  );
  await fail(dir, 't-crash', 'Error: worker lost');
  const lines: string[] = [];
  const code = reportFailedTrials(dir, (l) => lines.push(l));
  assert.equal(code, 2);
  assert.deepEqual(lines, [
    "trial t-bad failed: DatasetError: nan.csv:3:1: column 'x1': expected a finite number, found 'NaN'\n  nan.csv:4:1: column 'x1': expected a finite number, found 'inf'",
    'trial t-crash failed: Error: worker lost',
  ]);
});

test('failures that are not bad input are listed and leave the exit code 0; complete trials are not listed', async () => {
  const dir = runDir();
  await writeTrialTables(dir, syntheticTrialTables({ trialId: 't-ok' }));
  await fail(dir, 't-crash', 'Error: worker lost');
  const lines: string[] = [];
  assert.equal(
    reportFailedTrials(dir, (l) => lines.push(l)),
    0,
  );
  assert.deepEqual(lines, ['trial t-crash failed: Error: worker lost']);
  assert.equal(
    reportFailedTrials(runDir(), () => assert.fail('nothing to list')),
    0,
  );
});
