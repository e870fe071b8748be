/**
 * The computation of one trial, in-process, writing no files (docs/design.md §2–§5, §7): the data set, θ₀ from the seed, full-batch
 * gradient descent with losses every log_every steps, empirical NTK snapshots on every split, the
 * analytic NNGP/NTK (float64, once), the linearised predictions with Θ_∞ and with Θ̂₀ from the
 * network's own f₀, the infinite-width ensemble, and the metrics of §5 — returned as the rows of
 * the run folder's tables (src/tables/rows.ts). ./execute-trial.ts's executeTrial runs it against a
 * run folder (skip, resume, write); the Temporal activity `runTrial` and `ntk-sweep trial` call that.
 *
 * Divergence (a NaN/inf loss) is a result: status `diverged`, the tables up to that step.
 * Checkpoints (θ_t and the rows of the steps before t) are handed out every `checkpointEvery`
 * steps; resuming from one gives exactly the tables of the uninterrupted run, since training is
 * deterministic given θ_t and everything else is recomputed from the config.
 */
import { selectBackend } from '../backend/select.js';
import { canonicalParams } from '../config/ids.js';
import type { SweepConfig } from '../config/types.js';
import type { Dataset } from '../data/dataset.js';
import { makeDataset } from '../data/make-dataset.js';
import type { Mat } from '../linalg/mat.js';
import { kernelDrift, kernelRelErr } from '../metrics/kernel.js';
import { parameterChanges } from '../metrics/weights.js';
import { initParams, type MlpParams } from '../model/params.js';
import { layerSizes, specOf, type MlpSpec } from '../model/spec.js';
import { train, type TrainLogEntry } from '../model/train.js';
import { empiricalNtk } from '../ntk/empirical.js';
import { ensemblePrediction } from '../predict/ensemble.js';
import { gdPredictor } from '../predict/gd-prediction.js';
import type { CurveRow, TrialRow, TrialTables } from '../tables/rows.js';
import { analyticRows, computeAnalyticPart, type AnalyticPart } from './analytic-part.js';
import { allFinite, empiricalKernelRows, splitKernels, type SplitKernels } from './kernel-splits.js';
import { LinearPredictions } from './linear-predictions.js';
import { PhaseClock } from './phase-clock.js';
import { regressionTestLoss } from './regression-loss.js';
import { curveRow, modeRows, netOutputs, predictionRows, residual, spectrumRows, type StepState } from './step-rows.js';
import { trialParamsOf } from '../config/parameters.js';
import type { ComputeTrialOptions, TrialCheckpoint, TrialRowsSoFar } from './types.js';
import { CheckpointError } from '../errors.js';

export { MODES_TOP, SPECTRUM_TOP } from './step-rows.js';

/** The steps train() logs: 0, every multiple of logEvery, and the last. */
export function loggedSteps(steps: number, logEvery: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < steps; t += logEvery) out.push(t);
  out.push(steps);
  return out;
}

/** The step checkpoints are taken every: checkpointEvery rounded up to a multiple of logEvery. */
export function checkpointInterval(checkpointEvery: number | undefined, logEvery: number): number | undefined {
  if (checkpointEvery === undefined || !(checkpointEvery > 0)) return undefined;
  return Math.ceil(checkpointEvery / logEvery) * logEvery;
}

const finiteOrNull = (v: number | null | undefined): number | null =>
  v !== null && v !== undefined && Number.isFinite(v) ? v : null;

/** Throws a {@link CheckpointError} unless `ckpt` can resume this trial. */
export function checkResume(ckpt: TrialCheckpoint, trialId: string, spec: MlpSpec, config: SweepConfig): void {
  const bad = (why: string): never => {
    throw new CheckpointError(`the checkpoint cannot resume trial ${trialId}: ${why}`);
  };
  if (ckpt.trialId !== trialId) bad(`it belongs to trial ${ckpt.trialId}`);
  const { steps, logEvery } = config.train;
  if (
    !Number.isInteger(ckpt.step) ||
    ckpt.step < 0 ||
    ckpt.step > steps ||
    (ckpt.step % logEvery !== 0 && ckpt.step !== steps)
  ) {
    bad(`step ${ckpt.step} is not a logged step of a ${steps}-step run`);
  }
  const sizes = layerSizes(spec);
  if (ckpt.weights.length !== spec.depth + 1 || ckpt.biases.length !== spec.depth + 1)
    bad('it has another number of layers');
  for (let l = 0; l <= spec.depth; l++) {
    if (ckpt.weights[l].length !== sizes[l] * sizes[l + 1] || ckpt.biases[l].length !== sizes[l + 1])
      bad(`layer ${l} has another size`);
  }
  const rows = [
    ...ckpt.rows.curves,
    ...ckpt.rows.kernels,
    ...ckpt.rows.predictions,
    ...ckpt.rows.spectra,
    ...ckpt.rows.modes,
  ];
  if (rows.some((r) => r.step >= ckpt.step)) bad(`it holds rows of step ${ckpt.step} or later`);
}

/**
 * Runs one trial of a resolved config (see resolveTrial) and returns its tables. Throws only for
 * bad input (DatasetError, BackendError), a checkpoint that does not fit (CheckpointError) or a
 * failure of onCheckpoint/onProgress; a diverged run is returned with status `diverged`.
 *
 * @example
 * const tables = await computeTrial(config, { configDir: loaded.dir, sweepId, trialId: trialIdOf(config), analyticId: analyticIdOf(config) });
 */
export async function computeTrial(config: SweepConfig, opts: ComputeTrialOptions): Promise<TrialTables> {
  const attemptStart = performance.now();
  const clock = new PhaseClock(opts.timings);
  const resume = opts.resume;
  const startedAt = resume?.startedAt ?? new Date();
  const attempt = opts.attempt ?? (resume ? resume.attempt + 1 : 1);
  const { lr, steps, logEvery } = config.train;
  const trialId = opts.trialId;
  const backend = await selectBackend(opts.backend ?? config.execution.backend);

  // ---- setup: data, θ₀, f₀ -------------------------------------------------------------------
  const { data, spec, params0, out0 } = await clock.time('setup', async () => {
    const data = makeDataset(config.dataset, config.model.outputs, opts.configDir, config.ntk.probe);
    const spec = specOf(config, data.xTrain.cols);
    const params0 = initParams(spec, config.seed);
    return { data, spec, params0, out0: await netOutputs(params0, data) };
  });
  if (resume) checkResume(resume, trialId, spec, config);
  const startStep = resume?.step ?? 0;
  const hasTest = data.xTest.rows > 0;
  const dataNoProbe: Dataset = { xTrain: data.xTrain, yTrain: data.yTrain, xTest: data.xTest, yTest: data.yTest };
  const snapshotSet = new Set(config.ntk.snapshots.filter((s) => s >= startStep && s <= steps));
  const empirical = (p: MlpParams) => (x1: Mat, x2?: Mat) => empiricalNtk(p, x1, x2);

  // ---- the kernels that do not change during training ------------------------------------------
  const analytic: AnalyticPart | undefined = config.ntk.analytic
    ? await clock.time('analytic', () => computeAnalyticPart(spec, data, { testTest: config.ntk.predictions }))
    : undefined;
  // Θ̂₀ on train/test (the reference of kernel_drift, the linearised network, the initial-kernel
  // regression); with the probe splits too when step 0 is a snapshot, so that snapshot reuses it.
  const theta0 = await clock.time('snapshots', () =>
    splitKernels(snapshotSet.has(0) ? data : dataNoProbe, empirical(params0)),
  );

  // ---- linearised predictions ----------------------------------------------------------------
  const logSteps = loggedSteps(steps, logEvery).filter((t) => t >= startStep);
  const testOf = (theta: SplitKernels) => (hasTest ? { thetaTestTrain: theta.test!, fTest0: out0.test! } : undefined);
  const { linAnalytic, linEmpirical, ensemble } = await clock.time('predictions', () => {
    if (!config.ntk.predictions) return {};
    const linEmpirical = new LinearPredictions(
      gdPredictor(theta0.train, data.yTrain, lr),
      out0.train,
      testOf(theta0),
      logSteps,
    );
    if (!analytic) return { linEmpirical };
    const linAnalytic = new LinearPredictions(
      gdPredictor(analytic.ntk.train, data.yTrain, lr, { eigen: analytic.eigen }),
      out0.train,
      testOf(analytic.ntk),
      logSteps,
    );
    const ensemble = hasTest
      ? ensemblePrediction(
          {
            ntk: { train: analytic.ntk.train, testTrain: analytic.ntk.test! },
            nngp: { train: analytic.nngp.train, testTrain: analytic.nngp.test!, testTest: analytic.nngpTestTest },
            yTrain: data.yTrain,
            lr,
            computeCov: true,
            eigen: analytic.eigen,
          },
          [...snapshotSet],
        )
      : undefined;
    return { linAnalytic, linEmpirical, ensemble };
  });

  // ---- per-step observation ------------------------------------------------------------------
  const rows: TrialRowsSoFar = resume
    ? {
        curves: [...resume.rows.curves],
        kernels: [...resume.rows.kernels],
        predictions: [...resume.rows.predictions],
        spectra: [...resume.rows.spectra],
        modes: [...resume.rows.modes],
      }
    : { curves: [], kernels: [], predictions: [], spectra: [], modes: [] };
  const interval = checkpointInterval(opts.checkpointEvery, logEvery);
  const logSet = new Set(logSteps);
  const r0 = residual(out0.train, data.yTrain);
  let pending: StepState | undefined;
  let thetaT: SplitKernels | undefined;
  const elapsed = (): number => (resume?.wallS ?? 0) + (performance.now() - attemptStart) / 1000;

  const onSnapshot = async (t: number, params: MlpParams): Promise<void> => {
    if (interval !== undefined && opts.onCheckpoint && t > startStep && t < steps && t % interval === 0) {
      const ckpt: TrialCheckpoint = {
        trialId,
        step: t,
        weights: params.weights,
        biases: params.biases,
        rows: {
          curves: [...rows.curves],
          kernels: [...rows.kernels],
          predictions: [...rows.predictions],
          spectra: [...rows.spectra],
          modes: [...rows.modes],
        },
        startedAt,
        wallS: elapsed(),
        attempt,
      };
      await clock.time('checkpoints', () => opts.onCheckpoint!(ckpt));
    }
    const { out, changes } = await clock.time('metrics', async () => ({
      out: await netOutputs(params, data),
      changes: parameterChanges(params0, params),
    }));
    const state: StepState = { step: t, out, changes, finite: Number.isFinite(changes.total) };
    const isSnapshot = snapshotSet.has(t);
    // The last step always gets train/test kernels: the final kernel metrics and the after-kernel need them.
    if (state.finite && (isSnapshot || t === steps)) {
      await clock.time('snapshots', async () => {
        const kernels = t === 0 ? theta0 : await splitKernels(isSnapshot ? data : dataNoProbe, empirical(params));
        const finite = allFinite(kernels.train);
        state.kernel = {
          relErr: finite && analytic ? kernelRelErr(kernels.train, analytic.ntk.train) : null,
          drift: finite ? kernelDrift(kernels.train, theta0.train) : null,
        };
        if (t === steps) thetaT = kernels;
        if (isSnapshot) {
          rows.kernels.push(...empiricalKernelRows(trialId, t, kernels));
          rows.spectra.push(...spectrumRows(trialId, t, finite ? kernels.train : undefined, analytic));
        }
      });
    }
    if (state.finite && isSnapshot && hasTest) {
      rows.predictions.push(
        ...predictionRows(trialId, t, data, out.test!, linAnalytic?.at(t), linEmpirical?.at(t), ensemble),
      );
    }
    if (logSet.has(t)) pending = state;
  };

  const onLog = async (entry: TrainLogEntry): Promise<void> => {
    const t = entry.step;
    const state = pending;
    if (!state || state.step !== t) throw new Error(`computeTrial: no observation for logged step ${t}`);
    pending = undefined;
    await clock.time('metrics', () => {
      rows.curves.push(curveRow(trialId, entry, state, data, linAnalytic?.at(t), linEmpirical?.at(t)));
      if (analytic && state.finite)
        rows.modes.push(...modeRows(trialId, t, analytic, r0, residual(state.out.train, data.yTrain), lr));
    });
    if (opts.onProgress) await opts.onProgress(t, steps);
  };

  // ---- train -----------------------------------------------------------------------------------
  const start: MlpParams = resume ? { spec, weights: resume.weights, biases: resume.biases } : params0;
  const trainStart = performance.now();
  const before = clock.outsideTrain();
  const res = await train(start, data, {
    lr,
    steps,
    logEvery,
    startStep,
    snapshotSteps: [...new Set([...logSteps, ...snapshotSet])].sort((a, b) => a - b),
    onSnapshot,
    onLog,
  });
  clock.timings.train += (performance.now() - trainStart) / 1000 - (clock.outsideTrain() - before);

  // ---- the trials row --------------------------------------------------------------------------
  const ok = res.status === 'ok';
  const regressions = await clock.time('predictions', () => ({
    initial: hasTest ? regressionTestLoss(theta0.train, theta0.test!, data.yTrain, data.yTest) : null,
    after: ok && hasTest && thetaT ? regressionTestLoss(thetaT.train, thetaT.test!, data.yTrain, data.yTest) : null,
    analytic:
      analytic && hasTest ? regressionTestLoss(analytic.ntk.train, analytic.ntk.test!, data.yTrain, data.yTest) : null,
  }));
  const last = rows.curves[rows.curves.length - 1] as CurveRow | undefined;
  const lastKernel = ok && last?.step === steps ? last : undefined;
  const etaCrit = analytic && Number.isFinite(analytic.etaCrit) ? analytic.etaCrit : null;
  const trial: TrialRow = {
    ...trialParamsOf(config),
    trial_id: trialId,
    sweep_id: opts.sweepId,
    analytic_id: analytic ? opts.analyticId : null,
    params_json: opts.paramsJson ?? canonicalParams(config),
    status: res.status,
    error: null,
    diverged_at_step: ok ? null : (res.divergedAtStep ?? null),
    steps_done: res.lastStep,
    attempts: attempt,
    backend: backend.backend,
    device: backend.device,
    started_at: startedAt,
    wall_s: elapsed(),
    eta_crit: etaCrit,
    lr_over_crit: etaCrit !== null ? lr / etaCrit : null,
    final_train_loss: finiteOrNull(last?.train_loss),
    final_test_loss: finiteOrNull(last?.test_loss),
    final_kernel_rel_err: finiteOrNull(lastKernel?.kernel_rel_err),
    final_kernel_drift: finiteOrNull(lastKernel?.kernel_drift),
    final_weight_change: finiteOrNull(last?.weight_change),
    final_pred_gap_analytic: finiteOrNull(last?.pred_gap_analytic),
    final_pred_gap_linear: finiteOrNull(last?.pred_gap_linear),
    test_loss_initial_kernel: regressions.initial,
    test_loss_after_kernel: regressions.after,
    test_loss_analytic_kernel: regressions.analytic,
  };
  return {
    trials: trial,
    ...rows,
    analytic: analytic && opts.analyticId !== null ? analyticRows(opts.analyticId, analytic) : [],
  };
}
