/**
 * Trial checkpoints on disk (src/trial/checkpoint-store.ts): exact round trips (NaN, ±Infinity,
 * −0, float32 arrays), one buffer kept per trial, and every kind of damage read as `corrupt`
 * (never an exception) so that the trial starts over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  checkpointDir,
  deleteCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from '../../../src/trial/checkpoint-store.js';
import type { TrialCheckpoint } from '../../../src/trial/types.js';

const ID = 'abc123def456';

function sample(step = 20, trialId = ID): TrialCheckpoint {
  const curve = {
    trial_id: trialId,
    step: 10,
    train_loss: 0.25,
    test_loss: NaN,
    pred_train_loss_analytic: Infinity,
    pred_test_loss_analytic: -Infinity,
    pred_train_loss_linear: -0,
    pred_test_loss_linear: null,
    weight_change: 0.1 + 0.2, // not representable in fewer digits
    weight_change_input: 1 / 3,
    weight_change_hidden: null,
    weight_change_output: 2e-17,
    bias_change_input: NaN,
    bias_change_hidden: null,
    bias_change_output: 7,
    kernel_rel_err: 1e-300,
    kernel_drift: null,
    pred_gap_analytic: 5e-324,
    pred_gap_linear: null,
    pred_gap_analytic_rel: null,
    pred_gap_linear_rel: null,
  };
  return {
    trialId,
    step,
    weights: [Float32Array.from([1.5, -2, NaN, Infinity]), Float32Array.from([Math.fround(0.1), -0])],
    biases: [Float32Array.from([0]), Float32Array.from([3.25])],
    rows: {
      curves: [curve, { ...curve, step: 0 }],
      kernels: [
        { trial_id: trialId, step: 0, kind: 'empirical', split: 'train', row: 0, values: Float32Array.from([1, 2, 3]) },
        {
          trial_id: trialId,
          step: 0,
          kind: 'empirical',
          split: 'probe_x0',
          row: 0,
          values: Float32Array.from([NaN, 7]),
        },
      ],
      predictions: [
        {
          trial_id: trialId,
          step: 0,
          point: 0,
          output: 1,
          y: 0.5,
          f_nn: -0.25,
          f_lin_analytic: null,
          f_lin_empirical: 1,
          f_ensemble_mean: null,
          f_ensemble_var: 0,
        },
      ],
      spectra: [{ trial_id: trialId, step: 0, kind: 'analytic_ntk', rank: 0, eigenvalue: 12.5 }],
      modes: [{ trial_id: trialId, step: 0, rank: 0, eigenvalue: 12.5, residual: 1, predicted: 1 }],
    },
    startedAt: new Date('2025-01-02T03:04:05.678Z'),
    wallS: 1.25,
    attempt: 2,
  };
}

const freshRun = (): string => mkdtempSync(path.join(tmpdir(), 'ntk-ckpt-'));

test('a checkpoint round-trips exactly, NaN, ±Infinity and −0 included', async () => {
  const run = freshRun();
  assert.deepEqual(await loadCheckpoint(run, ID), { state: 'none' });
  const c = sample();
  await saveCheckpoint(run, c);
  const back = await loadCheckpoint(run, ID);
  assert.equal(back.state, 'ok');
  // deepStrictEqual compares numbers with Object.is: −0 ≠ 0, NaN = NaN.
  assert.deepStrictEqual((back as { checkpoint: TrialCheckpoint }).checkpoint, c);
});

test('saving again replaces the checkpoint and keeps one buffer', async () => {
  const run = freshRun();
  await saveCheckpoint(run, sample(10));
  await saveCheckpoint(run, sample(20));
  const files = readdirSync(checkpointDir(run, ID)).sort();
  assert.equal(files.length, 2);
  assert.match(files[0], /^arrays-20-[0-9a-f]+\.bin$/);
  assert.equal(files[1], 'checkpoint.json');
  const back = await loadCheckpoint(run, ID);
  assert.equal(back.state === 'ok' && back.checkpoint.step, 20);
  await deleteCheckpoint(run, ID);
  assert.ok(!existsSync(checkpointDir(run, ID)));
  await deleteCheckpoint(run, ID); // nothing there: no error
});

/** Saves a checkpoint, damages it with `harm`, and expects `corrupt` with a reason matching `why`. */
async function damaged(harm: (dir: string, buffer: string) => void, why: RegExp): Promise<void> {
  const run = freshRun();
  await saveCheckpoint(run, sample());
  const dir = checkpointDir(run, ID);
  const buffer = readdirSync(dir).find((f) => f.endsWith('.bin'))!;
  harm(dir, buffer);
  const r = await loadCheckpoint(run, ID);
  assert.equal(r.state, 'corrupt');
  assert.match((r as { reason: string }).reason, why);
}

test('a damaged checkpoint is reported as corrupt, never thrown', async () => {
  await damaged((d, b) => truncateSync(path.join(d, b), 7), /damaged/);
  await damaged((d, b) => {
    const bytes = readFileSync(path.join(d, b));
    bytes[3] ^= 0x40;
    writeFileSync(path.join(d, b), bytes);
  }, /damaged/);
  await damaged((d, b) => rmSync(path.join(d, b)), /cannot read its arrays/);
  await damaged((d) => truncateSync(path.join(d, 'checkpoint.json'), 50), /does not parse/);
  await damaged((d) => writeFileSync(path.join(d, 'checkpoint.json'), '{"arrays": 1}'), /not a checkpoint index/);
  await damaged((d) => {
    const index = JSON.parse(readFileSync(path.join(d, 'checkpoint.json'), 'utf8'));
    index.checkpoint.rows.curves[0].step = 'ten';
    writeFileSync(path.join(d, 'checkpoint.json'), JSON.stringify(index));
  }, /rows\.curves\.0\.step/);
  await damaged((d) => {
    const index = JSON.parse(readFileSync(path.join(d, 'checkpoint.json'), 'utf8'));
    index.checkpoint.weights[0] = [0, 10_000];
    writeFileSync(path.join(d, 'checkpoint.json'), JSON.stringify(index));
  }, /outside/);
  // A checkpoint of another trial copied into this trial's folder.
  const run = freshRun();
  await saveCheckpoint(run, sample(20, 'otherother12'));
  rmSync(checkpointDir(run, ID), { recursive: true, force: true });
  const { renameSync } = await import('node:fs');
  renameSync(checkpointDir(run, 'otherother12'), checkpointDir(run, ID));
  const r = await loadCheckpoint(run, ID);
  assert.equal(r.state, 'corrupt');
  assert.match((r as { reason: string }).reason, /belongs to trial otherother12/);
});

test('trial ids that could escape the run folder are refused', () => {
  assert.throws(() => checkpointDir('/tmp/run', '../x'), RangeError);
  assert.throws(() => checkpointDir('/tmp/run', 'a/b'), RangeError);
});
