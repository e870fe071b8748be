/**
 * The rows a trial produces at its logged and snapshot steps (src/tables/rows.ts), each from the
 * metric functions of src/metrics (docs/design.md §5) applied to what ./run-trial.ts observed.
 */
import type { Dataset } from '../data/dataset.js';
import type { Mat } from '../linalg/mat.js';
import { mseLoss } from '../metrics/losses.js';
import { predGap } from '../metrics/pred-gap.js';
import { residualModeTable } from '../metrics/residual-modes.js';
import { kernelSpectrum } from '../metrics/spectra.js';
import type { ParameterChanges } from '../metrics/weights.js';
import { forward } from '../model/mlp.js';
import type { MlpParams } from '../model/params.js';
import type { TrainLogEntry } from '../model/train.js';
import type { EnsemblePrediction } from '../predict/ensemble.js';
import type { CurveRow, ModeRow, PredictionRow, SpectrumRow } from '../tables/rows.js';
import type { AnalyticPart } from './analytic-part.js';
import type { LinearOutputs } from './linear-predictions.js';

/** Eigenvalues per kernel and snapshot in the spectra table. */
export const SPECTRUM_TOP = 32;
/** Eigenvectors of Θ_∞ the training residual is projected on (the modes table). */
export const MODES_TOP = 10;

/** The network's outputs on the train and test points (float32 compute, widened). */
export interface NetOutputs {
  train: Mat;
  test?: Mat;
}

export async function netOutputs(params: MlpParams, data: Dataset): Promise<NetOutputs> {
  const train = await forward(params, data.xTrain);
  return data.xTest.rows > 0 ? { train, test: await forward(params, data.xTest) } : { train };
}

/** What one logged step measured before its losses arrive (train calls onSnapshot, then onLog). */
export interface StepState {
  step: number;
  out: NetOutputs;
  changes: ParameterChanges;
  finite: boolean;
  kernel?: { relErr: number | null; drift: number | null };
}

const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/** f − y. */
export function residual(f: Mat, y: Mat): Mat {
  const data = new Float64Array(f.data.length);
  for (let i = 0; i < data.length; i++) data[i] = f.data[i] - y.data[i];
  return { rows: f.rows, cols: f.cols, data };
}

/** The curves row of a logged step: its losses, the linearised predictions' losses, the metrics of docs/design.md §5. */
export function curveRow(
  trialId: string,
  entry: TrainLogEntry,
  s: StepState,
  data: Dataset,
  an: LinearOutputs | undefined,
  em: LinearOutputs | undefined,
): CurveRow {
  const hasTest = data.xTest.rows > 0;
  const gap = (lin: LinearOutputs | undefined) =>
    s.finite && lin?.test && s.out.test ? predGap(s.out.test, lin.test) : undefined;
  const gapA = gap(an);
  const gapE = gap(em);
  return {
    trial_id: trialId,
    step: entry.step,
    train_loss: entry.trainLoss,
    test_loss: hasTest ? entry.testLoss : null,
    pred_train_loss_analytic: an ? mseLoss(an.train, data.yTrain) : null,
    pred_test_loss_analytic: an?.test ? mseLoss(an.test, data.yTest) : null,
    pred_train_loss_linear: em ? mseLoss(em.train, data.yTrain) : null,
    pred_test_loss_linear: em?.test ? mseLoss(em.test, data.yTest) : null,
    weight_change: s.changes.total,
    weight_change_input: finiteOrNull(s.changes.weightRoles.input),
    weight_change_hidden: finiteOrNull(s.changes.weightRoles.hidden),
    weight_change_output: finiteOrNull(s.changes.weightRoles.output),
    bias_change_input: finiteOrNull(s.changes.biasRoles.input),
    bias_change_hidden: finiteOrNull(s.changes.biasRoles.hidden),
    bias_change_output: finiteOrNull(s.changes.biasRoles.output),
    kernel_rel_err: s.kernel?.relErr ?? null,
    kernel_drift: s.kernel?.drift ?? null,
    pred_gap_analytic: gapA?.rms ?? null,
    pred_gap_linear: gapE?.rms ?? null,
    pred_gap_analytic_rel: gapA?.relative ?? null,
    pred_gap_linear_rel: gapE?.relative ?? null,
  };
}

/** Top eigenvalues of the empirical kernel (when finite) and of Θ_∞, beside each other at every snapshot. */
export function spectrumRows(
  trialId: string,
  step: number,
  empiricalTrain: Mat | undefined,
  analytic: AnalyticPart | undefined,
): SpectrumRow[] {
  const rows: SpectrumRow[] = [];
  const push = (kind: SpectrumRow['kind'], top: Float64Array): void => {
    top.forEach((eigenvalue, rank) => rows.push({ trial_id: trialId, step, kind, rank, eigenvalue }));
  };
  if (empiricalTrain) push('empirical', kernelSpectrum(empiricalTrain, SPECTRUM_TOP).top);
  if (analytic) push('analytic_ntk', kernelSpectrum(analytic.ntk.train, SPECTRUM_TOP, analytic.eigen).top);
  return rows;
}

/** The residual on the top eigenvectors of Θ_∞ at step t beside (1 − ηλ_i/N)^t times its size at step 0. */
export function modeRows(trialId: string, t: number, analytic: AnalyticPart, r0: Mat, rt: Mat, lr: number): ModeRow[] {
  const series =
    t === 0
      ? [{ step: 0, residual: r0 }]
      : [
          { step: 0, residual: r0 },
          { step: t, residual: rt },
        ];
  return residualModeTable(analytic.eigen, series, lr, MODES_TOP)
    .filter((m) => m.step === t)
    .map((m) => ({
      trial_id: trialId,
      step: t,
      rank: m.mode,
      eigenvalue: m.eigenvalue,
      residual: m.observed,
      predicted: m.predicted,
    }));
}

/** One row per test point and output at a snapshot step: y, the network, the linearised networks, the ensemble. */
export function predictionRows(
  trialId: string,
  step: number,
  data: Dataset,
  fTest: Mat,
  an: LinearOutputs | undefined,
  em: LinearOutputs | undefined,
  ensemble: EnsemblePrediction | undefined,
): PredictionRow[] {
  const k = data.yTest.cols;
  const e = ensemble ? ensemble.steps.indexOf(step) : -1;
  const mean = e >= 0 ? ensemble!.mean[e] : undefined;
  const variance = e >= 0 ? ensemble!.variance?.[e] : undefined;
  const rows: PredictionRow[] = [];
  for (let p = 0; p < data.yTest.rows; p++) {
    for (let o = 0; o < k; o++) {
      const i = p * k + o;
      rows.push({
        trial_id: trialId,
        step,
        point: p,
        output: o,
        y: data.yTest.data[i],
        f_nn: fTest.data[i],
        f_lin_analytic: an?.test ? an.test.data[i] : null,
        f_lin_empirical: em?.test ? em.test.data[i] : null,
        f_ensemble_mean: mean ? mean.data[i] : null,
        f_ensemble_var: variance ? variance[p] : null,
      });
    }
  }
  return rows;
}
