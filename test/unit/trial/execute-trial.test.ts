/**
 * A trial against a run folder (src/trial/execute-trial.ts): it writes every table, a rerun
 * skips it, a run killed after a checkpoint resumes there on the next call (only the missing
 * steps are computed) and writes the same files as an uninterrupted run, and a damaged or
 * foreign checkpoint makes it start over instead of failing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { selectBackend } from '../../../src/backend/select.js';
import { expandGrid } from '../../../src/config/expand.js';
import { loadConfig } from '../../../src/config/loader.js';
import { completeTrialIds, readTable, tableToRows, trialFile, TRIAL_TABLES } from '../../../src/tables/index.js';
import { checkpointDir, saveCheckpoint } from '../../../src/trial/checkpoint-store.js';
import { executeTrial } from '../../../src/trial/execute-trial.js';
import { checkTrial } from '../../../src/tables/read.js';

await selectBackend('wasm');

const loaded = loadConfig('test/fixtures/trial/tiny-trial.yaml');
const points = expandGrid(loaded);
const point = points[3]; // width 64, seed 1
const freshRun = (): string => mkdtempSync(path.join(tmpdir(), 'ntk-exec-'));

/** Every table of the run folder as rows, minus the columns that record when and how often it ran. */
async function tablesOf(runDir: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of [...TRIAL_TABLES, 'analytic'] as const) {
    const rows = tableToRows(t, await readTable(runDir, t)) as unknown as Record<string, unknown>[];
    out[t] = rows.map((r) => {
      const { started_at: _s, wall_s: _w, attempts: _a, ...rest } = r;
      return rest;
    });
  }
  return out;
}

test('writes every table; a rerun skips the complete trial', async () => {
  const run = freshRun();
  assert.deepEqual(checkTrial(run, point.trialId), { state: 'absent' });
  const first = await executeTrial({ runDir: run, loaded, point });
  assert.deepEqual(
    { skipped: first.skipped, status: first.status, from: first.startedFromStep, computed: first.stepsComputed },
    { skipped: false, status: 'ok', from: 0, computed: 40 },
  );
  assert.deepEqual([...(await completeTrialIds(run))], [point.trialId]);
  assert.deepEqual(checkTrial(run, point.trialId), { state: 'complete', status: 'ok' });
  const mtime = statSync(trialFile(run, 'trials', point.trialId)).mtimeMs;
  let progressed = false;
  const again = await executeTrial({ runDir: run, loaded, point, onProgress: () => void (progressed = true) });
  assert.equal(again.skipped, true);
  assert.equal(again.stepsComputed, 0);
  assert.equal(progressed, false);
  assert.equal(statSync(trialFile(run, 'trials', point.trialId)).mtimeMs, mtime, 'nothing rewritten');
  assert.ok(!existsSync(checkpointDir(run, point.trialId)), 'no checkpoint left behind');
});

test('killed after a checkpoint, the next call resumes there and writes what an uninterrupted run writes', async () => {
  const whole = freshRun();
  await executeTrial({ runDir: whole, loaded, point });

  const run = freshRun();
  await assert.rejects(
    executeTrial({
      runDir: run,
      loaded,
      point,
      checkpointEvery: 10,
      onProgress: (step) => {
        if (step === 35) throw new Error('worker killed');
      },
    }),
    /worker killed/,
  );
  assert.equal(checkTrial(run, point.trialId).state, 'absent', 'no table written by the killed attempt');
  assert.ok(existsSync(checkpointDir(run, point.trialId)));
  const steps: number[] = [];
  const resumed = await executeTrial({
    runDir: run,
    loaded,
    point,
    checkpointEvery: 10,
    onProgress: (s) => void steps.push(s),
  });
  assert.equal(resumed.startedFromStep, 30);
  assert.equal(resumed.stepsComputed, 10, 'only steps 30 → 40 were trained again');
  assert.deepEqual(steps, [30, 35, 40]);
  assert.equal(resumed.tables!.trials.attempts, 2);
  assert.ok(!existsSync(checkpointDir(run, point.trialId)), 'the checkpoint is deleted once the tables are in place');
  assert.deepStrictEqual(await tablesOf(run), await tablesOf(whole));
});

test('a damaged or foreign checkpoint makes the trial start over, with a note', async () => {
  const run = freshRun();
  await assert.rejects(
    executeTrial({
      runDir: run,
      loaded,
      point,
      checkpointEvery: 10,
      onProgress: (s) => {
        if (s === 25) throw new Error('stop');
      },
    }),
    /stop/,
  );
  writeFileSync(path.join(checkpointDir(run, point.trialId), 'checkpoint.json'), '{ not json');
  const notes: string[] = [];
  const r = await executeTrial({ runDir: run, loaded, point, onNote: (l) => notes.push(l) });
  assert.equal(r.startedFromStep, 0);
  assert.equal(r.stepsComputed, 40);
  assert.match(notes.join('\n'), /unusable.*starting trial .* over/);

  // A well-formed checkpoint whose weights have another shape (a config edited in place).
  const other = freshRun();
  await saveCheckpoint(other, {
    trialId: point.trialId,
    step: 10,
    weights: [new Float32Array(3)],
    biases: [new Float32Array(1)],
    rows: { curves: [], kernels: [], predictions: [], spectra: [], modes: [] },
    startedAt: new Date(),
    wallS: 0,
    attempt: 1,
  });
  const notes2: string[] = [];
  const r2 = await executeTrial({ runDir: other, loaded, point, onNote: (l) => notes2.push(l) });
  assert.equal(r2.startedFromStep, 0);
  assert.equal(r2.status, 'ok');
  assert.match(notes2.join('\n'), /cannot resume trial .*another number of layers/);
  assert.deepStrictEqual(await tablesOf(other), await tablesOf(run));
});
