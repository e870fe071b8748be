/**
 * One trial end to end (src/trial/compute-trial.ts): the row counts of every table follow from the
 * config; the metrics equal src/metrics and src/predict applied here to an independent training
 * run; a diverged trial is a result with its step; a run interrupted at a checkpoint and resumed
 * (in memory and through the checkpoint store on disk) gives the uninterrupted run's tables
 * bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { selectBackend } from '../../../src/backend/select.js';
import { analyticIdOf, sweepIdOf, trialIdOf } from '../../../src/config/ids.js';
import { loadConfig, resolveTrial, type Assignment } from '../../../src/config/loader.js';
import type { SweepConfig } from '../../../src/config/types.js';
import { makeDataset } from '../../../src/data/make-dataset.js';
import { specOf } from '../../../src/model/spec.js';
import { sliceRows, type Mat } from '../../../src/linalg/mat.js';
import {
  kernelDrift,
  kernelRelErr,
  mseLoss,
  predGap,
  residualModeTable,
  kernelSpectrum,
  weightChange,
} from '../../../src/metrics/index.js';
import { forward } from '../../../src/model/mlp.js';
import { initParams, type MlpParams } from '../../../src/model/params.js';
import { train } from '../../../src/model/train.js';
import { analyticKernels } from '../../../src/ntk/analytic.js';
import { empiricalNtk } from '../../../src/ntk/empirical.js';
import {
  criticalLearningRate,
  eigh,
  ensemblePrediction,
  gdPrediction,
  kernelRegression,
} from '../../../src/predict/index.js';
import type { TrialTables } from '../../../src/tables/rows.js';
import { loadCheckpoint, saveCheckpoint } from '../../../src/trial/checkpoint-store.js';
import { loggedSteps, MODES_TOP, computeTrial, SPECTRUM_TOP } from '../../../src/trial/compute-trial.js';
import type { ComputeTrialOptions, TrialCheckpoint } from '../../../src/trial/types.js';

await selectBackend('wasm');

const CONFIG = 'test/fixtures/trial/tiny-trial.yaml';
const loaded = loadConfig(CONFIG);

function trialConfig(over: Assignment[] = []): SweepConfig {
  return resolveTrial(loaded, [{ path: 'model.width', value: 64 }, ...over]);
}

function optionsFor(config: SweepConfig, extra: Partial<ComputeTrialOptions> = {}): ComputeTrialOptions {
  return {
    configDir: loaded.dir,
    sweepId: sweepIdOf(loaded),
    trialId: trialIdOf(config),
    analyticId: analyticIdOf(config),
    ...extra,
  };
}

const count = <T>(rows: T[], pred: (r: T) => boolean): number => rows.filter(pred).length;
const close = (a: number | null, b: number, rel = 1e-9, what = ''): void => {
  assert.ok(a !== null, `${what}: null`);
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
};

test('row counts of every table follow from the config', async () => {
  const config = trialConfig();
  const t = await computeTrial(config, optionsFor(config));
  const n = config.dataset.nTrain;
  const m = config.dataset.nTest;
  const p = config.ntk.probe!.n;
  const snaps = config.ntk.snapshots;
  const logged = loggedSteps(config.train.steps, config.train.logEvery);
  assert.deepEqual(logged, [0, 5, 10, 15, 20, 25, 30, 35, 40]);

  assert.deepEqual(
    t.curves.map((c) => c.step),
    logged,
  );
  assert.equal(t.kernels.length, snaps.length * (n + m + p + 1));
  for (const s of snaps) {
    const at = t.kernels.filter((k) => k.step === s);
    assert.deepEqual(
      ['train', 'test', 'probe', 'probe_x0'].map((split) => count(at, (k) => k.split === split)),
      [n, m, p, 1],
    );
    for (const k of at) assert.equal(k.values.length, k.split === 'probe_x0' ? p : n);
  }
  assert.equal(t.predictions.length, snaps.length * m * config.model.outputs);
  assert.deepEqual([...new Set(t.predictions.map((r) => r.step))], snaps);
  assert.equal(t.spectra.length, snaps.length * 2 * Math.min(SPECTRUM_TOP, n));
  assert.equal(t.modes.length, logged.length * Math.min(MODES_TOP, n));
  assert.equal(t.analytic.length, 2 * (n + m + p + 1));
  assert.equal(t.trials.status, 'ok');
  assert.equal(t.trials.steps_done, config.train.steps);
  assert.equal(t.trials.trial_id, trialIdOf(config));
  assert.equal(t.trials.analytic_id, analyticIdOf(config));
  assert.equal(t.trials.width, 64);
  assert.equal(t.trials.backend, 'wasm');
  assert.ok(t.trials.wall_s > 0);
  // Kernel metrics only where there is a kernel: the snapshots (and the last step).
  for (const c of t.curves)
    assert.equal(c.kernel_rel_err !== null, snaps.includes(c.step), `kernel_rel_err at ${c.step}`);
  for (const row of [...t.curves, ...t.kernels, ...t.predictions, ...t.spectra, ...t.modes])
    assert.equal(row.trial_id, t.trials.trial_id);
});

test('without analytic kernels, predictions and probe: those rows and columns are absent, the rest is there', async () => {
  const config = trialConfig([{ path: 'model.outputs', value: 2 }]);
  config.ntk = { snapshots: [0, 40], analytic: false, predictions: false };
  const t = await computeTrial(config, { ...optionsFor(config), analyticId: null });
  const n = config.dataset.nTrain;
  const m = config.dataset.nTest;
  assert.equal(t.kernels.length, 2 * (n + m));
  assert.equal(t.predictions.length, 2 * m * 2, 'one row per test point and output');
  assert.ok(
    t.predictions.every((r) => r.f_lin_analytic === null && r.f_lin_empirical === null && r.f_ensemble_mean === null),
  );
  assert.equal(t.spectra.length, 2 * Math.min(SPECTRUM_TOP, n));
  assert.equal(t.modes.length, 0);
  assert.equal(t.analytic.length, 0);
  assert.equal(t.trials.analytic_id, null);
  assert.equal(t.trials.eta_crit, null);
  assert.equal(t.trials.final_kernel_rel_err, null);
  assert.ok(t.trials.final_kernel_drift !== null && t.trials.final_kernel_drift > 0);
  assert.ok(t.curves.every((c) => c.pred_train_loss_analytic === null && c.pred_gap_linear === null));
});

/** The same trial computed here from the core's parts, without src/trial. */
async function independent(config: SweepConfig) {
  const data = makeDataset(config.dataset, config.model.outputs, loaded.dir, config.ntk.probe);
  const spec = specOf(config, data.xTrain.cols);
  const p0 = initParams(spec, config.seed);
  const at = new Map<number, MlpParams>();
  const res = await train(p0, data, {
    lr: config.train.lr,
    steps: config.train.steps,
    logEvery: config.train.logEvery,
    snapshotSteps: [0, 15, 40],
    onSnapshot: (s, p) => void at.set(s, p),
  });
  return { data, spec, p0, at, res };
}

test('metrics equal src/metrics and src/predict applied to an independent run', async () => {
  const config = trialConfig();
  const t = await computeTrial(config, optionsFor(config));
  const { data, spec, p0, at, res } = await independent(config);
  const lr = config.train.lr;
  const an = analyticKernels(spec, data.xTrain);
  const anTest = analyticKernels(spec, data.xTest, data.xTrain);
  const theta0 = await empiricalNtk(p0, data.xTrain);
  const theta0Test = await empiricalNtk(p0, data.xTest, data.xTrain);

  // Losses: the training log.
  assert.deepEqual(
    t.curves.map((c) => [c.step, c.train_loss, c.test_loss]),
    res.log.map((e) => [e.step, e.trainLoss, e.testLoss]),
  );
  // Kernel metrics and kernel rows at the snapshot 15.
  const k15 = await empiricalNtk(at.get(15)!, data.xTrain);
  const c15 = t.curves.find((c) => c.step === 15)!;
  close(c15.kernel_rel_err, kernelRelErr(k15, an.ntk), 1e-12, 'kernel_rel_err');
  close(c15.kernel_drift, kernelDrift(k15, theta0), 1e-12, 'kernel_drift');
  const rows15 = t.kernels.filter((k) => k.step === 15 && k.split === 'train');
  rows15.forEach((r, i) => assert.deepEqual(r.values, Float32Array.from(k15.data.subarray(i * 16, (i + 1) * 16))));
  const spec15 = t.spectra.filter((s) => s.step === 15 && s.kind === 'empirical').map((s) => s.eigenvalue);
  assert.deepEqual(spec15, Array.from(kernelSpectrum(k15, SPECTRUM_TOP).top));
  // Probe rows: Θ(probe, X) and Θ(x₀, probe) with x₀ the probe point at angle 0.
  const probe = data.probe!;
  assert.deepEqual([probe.data[0], probe.data[1]], [1, 0], 'probe point 0 is at angle 0');
  const x0Row = await empiricalNtk(at.get(15)!, sliceRows(probe, 0, 1), probe);
  assert.deepEqual(
    t.kernels.find((k) => k.step === 15 && k.split === 'probe_x0')!.values,
    Float32Array.from(x0Row.data),
  );
  const x0Analytic = analyticKernels(spec, sliceRows(probe, 0, 1), probe).ntk;
  assert.deepEqual(
    t.analytic.find((r) => r.kind === 'analytic_ntk' && r.split === 'probe_x0')!.values,
    x0Analytic.data,
  );
  assert.deepEqual(
    t.analytic.find((r) => r.kind === 'analytic_nngp' && r.split === 'train' && r.row === 3)!.values,
    an.nngp.data.slice(48, 64),
  );

  // The end of training: weight change, predictions of the linearised network, pred gaps, modes.
  const p40 = at.get(40)!;
  const c40 = t.curves.find((c) => c.step === 40)!;
  close(c40.weight_change, weightChange(p0, p40), 1e-12, 'weight_change');
  const f0 = await forward(p0, data.xTrain);
  const f0Test = await forward(p0, data.xTest);
  const f40Test = await forward(p40, data.xTest);
  const linA = gdPrediction({
    thetaTrain: an.ntk,
    yTrain: data.yTrain,
    fTrain0: f0,
    lr,
    steps: [40],
    thetaTestTrain: anTest.ntk,
    fTest0: f0Test,
  });
  const linE = gdPrediction({
    thetaTrain: theta0,
    yTrain: data.yTrain,
    fTrain0: f0,
    lr,
    steps: [40],
    thetaTestTrain: theta0Test,
    fTest0: f0Test,
  });
  close(c40.pred_train_loss_analytic, mseLoss(linA.train[0], data.yTrain), 1e-9, 'pred_train_loss_analytic');
  close(c40.pred_test_loss_linear, mseLoss(linE.test![0], data.yTest), 1e-9, 'pred_test_loss_linear');
  const gapA = predGap(f40Test, linA.test![0]);
  close(c40.pred_gap_analytic, gapA.rms, 1e-9, 'pred_gap_analytic');
  close(c40.pred_gap_analytic_rel, gapA.relative, 1e-9, 'pred_gap_analytic_rel');
  close(c40.pred_gap_linear, predGap(f40Test, linE.test![0]).rms, 1e-9, 'pred_gap_linear');
  const pr40 = t.predictions.filter((r) => r.step === 40);
  pr40.forEach((r, i) => {
    close(r.f_nn, f40Test.data[i], 1e-12, 'f_nn');
    close(r.f_lin_analytic, linA.test![0].data[i], 1e-9, 'f_lin_analytic');
    close(r.f_lin_empirical, linE.test![0].data[i], 1e-9, 'f_lin_empirical');
    assert.equal(r.y, data.yTest.data[i]);
  });
  const ens = ensemblePrediction(
    {
      ntk: { train: an.ntk, testTrain: anTest.ntk },
      nngp: { train: an.nngp, testTrain: anTest.nngp, testTest: analyticKernels(spec, data.xTest).nngp },
      yTrain: data.yTrain,
      lr,
      computeCov: true,
    },
    [40],
  );
  pr40.forEach((r, i) => {
    close(r.f_ensemble_mean, ens.mean[0].data[i], 1e-9, 'ensemble mean');
    close(r.f_ensemble_var, ens.variance![0][i], 1e-9, 'ensemble variance');
  });
  const resid = (f: Mat): Mat => ({ rows: f.rows, cols: f.cols, data: f.data.map((v, i) => v - data.yTrain.data[i]) });
  const f40 = await forward(p40, data.xTrain);
  const modes = residualModeTable(
    eigh(an.ntk),
    [
      { step: 0, residual: resid(f0) },
      { step: 40, residual: resid(f40) },
    ],
    lr,
    MODES_TOP,
  );
  const got = t.modes.filter((r) => r.step === 40);
  assert.equal(got.length, MODES_TOP);
  modes
    .filter((r) => r.step === 40)
    .forEach((r, i) => {
      close(got[i].residual, r.observed, 1e-9, `mode ${i} residual`);
      close(got[i].predicted, r.predicted, 1e-9, `mode ${i} predicted`);
      close(got[i].eigenvalue, r.eigenvalue, 1e-12, `mode ${i} eigenvalue`);
    });

  // The trials row.
  const row = t.trials;
  close(row.eta_crit, criticalLearningRate(an.ntk), 1e-12, 'eta_crit');
  close(row.lr_over_crit, lr / criticalLearningRate(an.ntk), 1e-12, 'lr_over_crit');
  close(row.final_train_loss, res.log[res.log.length - 1].trainLoss, 0, 'final_train_loss');
  close(
    row.final_kernel_rel_err,
    kernelRelErr(await empiricalNtk(p40, data.xTrain), an.ntk),
    1e-12,
    'final_kernel_rel_err',
  );
  close(
    row.test_loss_analytic_kernel,
    mseLoss(kernelRegression(an.ntk, anTest.ntk, data.yTrain), data.yTest),
    1e-9,
    'analytic kernel regression',
  );
  assert.ok(row.test_loss_initial_kernel !== null && row.test_loss_after_kernel !== null);
  assert.ok(row.final_train_loss! < t.curves[0].train_loss / 10, 'training reduced the loss');
});

test('a diverged trial is a result: status, step, the tables up to that step', async () => {
  const config = trialConfig([{ path: 'train.lr', value: 1e4 }]);
  const t = await computeTrial(config, optionsFor(config));
  const { res } = await independent(config);
  assert.equal(res.status, 'diverged');
  assert.equal(t.trials.status, 'diverged');
  assert.equal(t.trials.diverged_at_step, res.divergedAtStep);
  assert.equal(t.trials.steps_done, res.lastStep);
  const last = t.curves[t.curves.length - 1];
  assert.equal(last.step, res.lastStep);
  assert.ok(res.lastStep >= res.divergedAtStep! && res.lastStep - res.divergedAtStep! < config.train.logEvery);
  assert.ok(!Number.isFinite(last.train_loss));
  assert.ok(t.curves.slice(0, -1).every((c) => Number.isFinite(c.train_loss)));
  assert.ok([...t.kernels, ...t.predictions, ...t.modes, ...t.spectra].every((r) => r.step <= res.divergedAtStep!));
  assert.ok(
    t.kernels.some((k) => k.step === 0),
    'the step-0 snapshot is kept',
  );
  assert.equal(t.trials.final_train_loss, null);
  assert.equal(t.trials.final_kernel_rel_err, null);
  assert.equal(t.trials.test_loss_after_kernel, null);
  assert.ok(t.trials.lr_over_crit! > 1, 'flagged above η_crit');
  assert.ok(t.trials.test_loss_analytic_kernel !== null, 'what does not depend on training is still there');
});

/** Tables with the columns that differ between runs by nature (clock, attempt) set aside. */
function comparable(t: TrialTables): unknown {
  const { started_at: _s, wall_s: _w, attempts: _a, ...trial } = t.trials;
  return { ...t, trials: trial };
}

test('a run resumed from a checkpoint gives the uninterrupted run’s tables bit for bit', async () => {
  const config = trialConfig();
  const whole = await computeTrial(config, optionsFor(config));

  // Interrupt after the checkpoint at step 20 (as a killed worker would: onProgress throws at 25).
  const saved: TrialCheckpoint[] = [];
  const runDir = mkdtempSync(path.join(tmpdir(), 'ntk-resume-'));
  await assert.rejects(
    computeTrial(
      config,
      optionsFor(config, {
        checkpointEvery: 8, // rounded up to 10, a multiple of log_every
        onCheckpoint: async (c) => {
          saved.push(c);
          await saveCheckpoint(runDir, c);
        },
        onProgress: (step) => {
          if (step === 25) throw new Error('killed');
        },
      }),
    ),
    /killed/,
  );
  assert.deepEqual(
    saved.map((c) => c.step),
    [10, 20],
  );
  const mem = saved[1];
  assert.ok(mem.rows.curves.every((c) => c.step < 20) && mem.rows.kernels.some((k) => k.step === 15));

  // Resumed from the checkpoint in memory and from the one read back from disk.
  const loadedCkpt = await loadCheckpoint(runDir, mem.trialId);
  assert.equal(loadedCkpt.state, 'ok');
  const disk = (loadedCkpt as { checkpoint: TrialCheckpoint }).checkpoint;
  assert.deepEqual(disk, mem, 'the store round-trips a checkpoint exactly');
  let firstStep: number | undefined;
  const resumed = await computeTrial(
    config,
    optionsFor(config, { resume: disk, onProgress: (s) => void (firstStep ??= s) }),
  );
  assert.equal(firstStep, 20, 'training restarted at the checkpoint, not at 0');
  assert.deepStrictEqual(comparable(resumed), comparable(whole));
  assert.equal(resumed.trials.attempts, 2);
  assert.equal(resumed.trials.started_at.getTime(), mem.startedAt.getTime());
  assert.deepStrictEqual(
    comparable(await computeTrial(config, optionsFor(config, { resume: mem }))),
    comparable(whole),
  );
});
