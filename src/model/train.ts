/**
 * Full-batch gradient descent θ ← θ − η ∇L on L = 1/(2N) Σ_i ‖f(x_i) − y_i‖² (docs/design.md §2), the
 * setting of NTK theory (Jacot et al. 2018, arXiv:1806.07572; Lee et al. 2019, arXiv:1902.06720).
 *
 * The loss is read back from the device only at logged steps (step 0, every `logEvery`, the last),
 * since each read forces a GPU sync. Divergence is nevertheless exact to the step: every step
 * computes its loss (one reduction over the N × k residual the gradient needs anyway) and keeps,
 * on the device, the first step whose loss was NaN or ±inf; the logged step that reads it back ends
 * the run, and `divergedAtStep` is that first step, not the logged one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ensureBackend } from '../backend/select.js';
import { matToTensor } from '../backend/convert.js';
import type { Dataset } from '../data/dataset.js';
import type { Mat } from '../linalg/mat.js';
import { tfActivation, type TfActivation } from './activations.js';
import { applyScaledGradients, lossGradients } from './gradients.js';
import { applyMlp, checkInputs, disposeTfParams, paramsToTensors, tensorsToParams, type TfParams } from './mlp.js';
import type { MlpParams } from './params.js';
import type { MlpSpec } from './spec.js';

export interface TrainLogEntry {
  step: number;
  /** L(θ_step) on the training set; NaN or ±inf on the step that ends a diverged run. */
  trainLoss: number;
  /** The same loss on the test set (NaN when the test set is empty). */
  testLoss: number;
}

export interface TrainOptions {
  /** Learning rate η. */
  lr: number;
  /** Final step: the run applies updates until θ_steps. */
  steps: number;
  /** Losses are logged at step 0, every multiple of logEvery, and at `steps`. */
  logEvery: number;
  /** Steps at which onSnapshot is called with θ_step (0 = before training, `steps` = the end). */
  snapshotSteps?: number[];
  onSnapshot?: (step: number, params: MlpParams) => Promise<void> | void;
  /** Called after each log entry is made (heartbeats, progress); awaited. */
  onLog?: (entry: TrainLogEntry) => Promise<void> | void;
  /**
   * Resume: params0 are θ at this step (e.g. from a checkpoint) and training continues to `steps`.
   * Logs and snapshots are those of the uninterrupted run from this step on (snapshot steps before
   * it are skipped, one at it is taken). Default 0.
   */
  startStep?: number;
}

export interface TrainResult {
  /** θ at the last step run (non-finite values when diverged). */
  params: MlpParams;
  status: 'ok' | 'diverged';
  /** The first step t whose training loss L(θ_t) was NaN or ±inf. */
  divergedAtStep?: number;
  /** The last step run: `steps`, or the logged step at which a divergence was read back (≥ divergedAtStep). */
  lastStep: number;
  log: TrainLogEntry[];
}

/** How long the loop may run without giving the event loop a turn (heartbeats, cancellation). */
const YIELD_MS = 200;

/**
 * Trains a copy of params0 by full-batch gradient descent; params0 is not modified.
 * A NaN/inf loss ends the run with status 'diverged' (never an exception).
 *
 * @example
 * const res = await train(initParams(spec, 0), data, { lr: 1, steps: 1000, logEvery: 10 });
 */
export async function train(params0: MlpParams, data: Dataset, opts: TrainOptions): Promise<TrainResult> {
  await ensureBackend();
  const spec = params0.spec;
  checkOptions(opts);
  checkData(spec, data);
  const start = opts.startStep ?? 0;
  const snapshots = new Set(opts.snapshotSteps ?? []);
  const act = tfActivation(spec.activation);
  // Step 0 is a multiple of logEvery; a resumed run logs exactly the steps the uninterrupted run would.
  const isLogStep = (t: number): boolean => t === opts.steps || t % opts.logEvery === 0;

  const x = matToTensor(data.xTrain);
  const y = matToTensor(data.yTrain);
  const hasTest = data.xTest.rows > 0;
  const xt = hasTest ? matToTensor(data.xTest) : undefined;
  const yt = hasTest ? matToTensor(data.yTest) : undefined;
  let tp = paramsToTensors(params0);
  const log: TrainLogEntry[] = [];
  let lastYield = Date.now();
  // First step with a non-finite loss, or −1: updated on the device at every step, read at log steps.
  let firstBad: tf.Scalar = tf.scalar(-1, 'int32');
  const track = (t: number, loss: tf.Scalar): void => {
    const next = tf.tidy(() =>
      tf.where(tf.logicalAnd(tf.less(firstBad, 0), tf.logicalNot(tf.isFinite(loss))), tf.scalar(t, 'int32'), firstBad),
    ) as tf.Scalar;
    firstBad.dispose();
    firstBad = next;
  };
  const logAndCheck = async (t: number, trainLoss: tf.Scalar): Promise<{ entry: TrainLogEntry; bad: number }> => {
    track(t, trainLoss);
    const [entry, bad] = await Promise.all([logEntry(t, trainLoss, spec, tp, xt, yt, act), firstBad.data()]);
    return { entry, bad: bad[0] };
  };

  try {
    for (let t = start; ; t++) {
      if (opts.onSnapshot && snapshots.has(t)) await opts.onSnapshot(t, await tensorsToParams(spec, tp));
      const logNow = isLogStep(t);
      if (t === opts.steps) {
        // The last step is always logged (isLogStep).
        const { entry, bad } = await logAndCheck(t, mseLoss(spec, tp, x, y, act));
        log.push(entry);
        if (opts.onLog) await opts.onLog(entry);
        return await result(spec, tp, log, t, bad >= 0 ? bad : undefined);
      }
      const g = lossGradients(spec, tp, x, y, act, { scale: -opts.lr, withLoss: true });
      if (logNow) {
        const { entry, bad } = await logAndCheck(t, g.loss!);
        log.push(entry);
        if (bad >= 0) {
          tf.dispose([...g.dW, ...g.db]);
          if (opts.onLog) await opts.onLog(entry);
          return await result(spec, tp, log, t, bad);
        }
        if (opts.onLog) await opts.onLog(entry);
      } else {
        track(t, g.loss!);
        g.loss!.dispose();
      }
      tp = applyScaledGradients(tp, g);
      if (Date.now() - lastYield > YIELD_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = Date.now();
      }
    }
  } finally {
    disposeTfParams(tp);
    tf.dispose([x, y, firstBad, ...(xt ? [xt] : []), ...(yt ? [yt] : [])]);
  }
}

async function result(
  spec: MlpSpec,
  tp: TfParams,
  log: TrainLogEntry[],
  lastStep: number,
  divergedAt?: number,
): Promise<TrainResult> {
  const params = await tensorsToParams(spec, tp);
  return divergedAt === undefined
    ? { params, status: 'ok', lastStep, log }
    : { params, status: 'diverged', divergedAtStep: divergedAt, lastStep, log };
}

/** L = 1/(2N) Σ‖f − y‖² as a scalar tensor. */
function mseLoss(spec: MlpSpec, tp: TfParams, x: tf.Tensor2D, y: tf.Tensor2D, act: TfActivation): tf.Scalar {
  return tf.tidy(() => {
    const r = tf.sub(applyMlp(spec, tp, x, act), y);
    return tf.div(tf.sum(tf.square(r)), 2 * x.shape[0]) as tf.Scalar;
  });
}

/** Reads the training loss (given, consumed) and the test loss in one device read. */
async function logEntry(
  step: number,
  trainLoss: tf.Scalar,
  spec: MlpSpec,
  tp: TfParams,
  xt: tf.Tensor2D | undefined,
  yt: tf.Tensor2D | undefined,
  act: TfActivation,
): Promise<TrainLogEntry> {
  const both = tf.tidy(() => {
    const test = xt && yt ? mseLoss(spec, tp, xt, yt, act) : tf.scalar(NaN);
    return tf.stack([trainLoss, test]);
  });
  trainLoss.dispose();
  const v = await both.data();
  both.dispose();
  return { step, trainLoss: v[0], testLoss: v[1] };
}

function checkOptions(o: TrainOptions): void {
  if (!Number.isFinite(o.lr) || o.lr < 0) throw new RangeError(`train: lr must be a finite number ≥ 0, got ${o.lr}`);
  if (!Number.isInteger(o.steps) || o.steps < 0)
    throw new RangeError(`train: steps must be an integer ≥ 0, got ${o.steps}`);
  if (!Number.isInteger(o.logEvery) || o.logEvery < 1) {
    throw new RangeError(`train: logEvery must be an integer ≥ 1, got ${o.logEvery}`);
  }
  const s = o.startStep ?? 0;
  if (!Number.isInteger(s) || s < 0 || s > o.steps) {
    throw new RangeError(`train: startStep must be an integer in [0, steps], got ${s}`);
  }
}

function checkData(spec: MlpSpec, d: Dataset): void {
  checkInputs(spec, d.xTrain, 'xTrain');
  if (d.xTrain.rows === 0) throw new RangeError('train: the training set is empty');
  checkTargets(spec, d.xTrain, d.yTrain, 'yTrain');
  if (d.xTest.rows > 0) {
    checkInputs(spec, d.xTest, 'xTest');
    checkTargets(spec, d.xTest, d.yTest, 'yTest');
  }
}

function checkTargets(spec: MlpSpec, x: Mat, y: Mat, what: string): void {
  if (y.rows !== x.rows || y.cols !== spec.outputs) {
    throw new RangeError(`${what} is ${y.rows}×${y.cols}, expected ${x.rows}×${spec.outputs}`);
  }
}
