/**
 * A {@link TrialCheckpoint} as bytes: one binary buffer of float32 values (the weights, biases and
 * kernel rows, little-endian) and a JSON document with everything else, the rows referring into
 * the buffer by [offset, length] in float32 elements (JSON.stringify the document to store it). Numbers survive bit for bit: JSON writes
 * finite doubles in round-trip form, and NaN, ±Infinity and −0 (which JSON cannot hold) are
 * written as {"$num": "NaN" | "Infinity" | "-Infinity" | "-0"}. Inverse: {@link decodeCheckpoint}.
 */
import { z } from 'zod';
import type { KernelRow } from '../tables/rows.js';
import type { TrialCheckpoint } from './types.js';
import { CheckpointError } from '../errors.js';

export const CHECKPOINT_FORMAT = 'ntk-sweep-trial-checkpoint';
export const CHECKPOINT_VERSION = 1;

type Span = [offset: number, length: number];

function encodeNumber(v: number): unknown {
  if (Number.isNaN(v)) return { $num: 'NaN' };
  if (v === Infinity) return { $num: 'Infinity' };
  if (v === -Infinity) return { $num: '-Infinity' };
  if (Object.is(v, -0)) return { $num: '-0' };
  return v;
}

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/** Rows with their numbers made JSON-safe (NaN, ±Infinity, −0 tagged). */
function encodeRows<T extends object>(rows: readonly T[]): unknown[] {
  return rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) o[k] = typeof v === 'number' ? encodeNumber(v) : v;
    return o;
  });
}

/** A checkpoint as a JSON-safe document and the float32 buffer it refers into. */
export interface EncodedCheckpoint {
  doc: Record<string, unknown>;
  arrays: Uint8Array;
}

export function encodeCheckpoint(ckpt: TrialCheckpoint): EncodedCheckpoint {
  const parts: Float32Array[] = [];
  let size = 0;
  const put = (a: Float32Array): Span => {
    parts.push(a);
    size += a.length;
    return [size - a.length, a.length];
  };
  const weights = ckpt.weights.map(put);
  const biases = ckpt.biases.map(put);
  const kernels = ckpt.rows.kernels.map(({ values, ...rest }) => ({ ...rest, values: put(values) }));
  const buf = new Float32Array(size);
  let o = 0;
  for (const p of parts) {
    buf.set(p, o);
    o += p.length;
  }
  const doc = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    trial_id: ckpt.trialId,
    step: ckpt.step,
    started_at: ckpt.startedAt.toISOString(),
    wall_s: ckpt.wallS,
    attempt: ckpt.attempt,
    weights,
    biases,
    rows: {
      curves: encodeRows(ckpt.rows.curves),
      kernels,
      predictions: encodeRows(ckpt.rows.predictions),
      spectra: encodeRows(ckpt.rows.spectra),
      modes: encodeRows(ckpt.rows.modes),
    },
  };
  return { doc, arrays: littleEndian(buf) };
}

/** The buffer's bytes in little-endian order (a copy on big-endian hosts). */
function littleEndian(a: Float32Array): Uint8Array {
  if (IS_LE) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const dv = new DataView(out.buffer);
  a.forEach((v, i) => dv.setFloat32(4 * i, v, true));
  return out;
}

const IS_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function fromLittleEndian(bytes: Uint8Array): Float32Array {
  const n = bytes.byteLength / 4;
  const out = new Float32Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
  return out;
}

// ---- decoding: every field checked, so a damaged document is refused, never half-used ----------

const num = z.union([
  z.number(),
  z.strictObject({ $num: z.enum(['NaN', 'Infinity', '-Infinity', '-0']) }).transform((o) => SPECIAL[o.$num]),
]);
const int = z.number().int();
const nullableNum = num.nullable();
const span = z.tuple([int.nonnegative(), int.nonnegative()]);
const split = z.enum(['train', 'test', 'probe', 'probe_x0']);

const curveRow = z.strictObject({
  trial_id: z.string(),
  step: int,
  train_loss: num,
  test_loss: nullableNum,
  pred_train_loss_analytic: nullableNum,
  pred_test_loss_analytic: nullableNum,
  pred_train_loss_linear: nullableNum,
  pred_test_loss_linear: nullableNum,
  weight_change: num,
  weight_change_input: nullableNum,
  weight_change_hidden: nullableNum,
  weight_change_output: nullableNum,
  bias_change_input: nullableNum,
  bias_change_hidden: nullableNum,
  bias_change_output: nullableNum,
  kernel_rel_err: nullableNum,
  kernel_drift: nullableNum,
  pred_gap_analytic: nullableNum,
  pred_gap_linear: nullableNum,
  pred_gap_analytic_rel: nullableNum,
  pred_gap_linear_rel: nullableNum,
});
const kernelRow = z.strictObject({
  trial_id: z.string(),
  step: int,
  kind: z.literal('empirical'),
  split,
  row: int,
  values: span,
});
const predictionRow = z.strictObject({
  trial_id: z.string(),
  step: int,
  point: int,
  output: int,
  y: num,
  f_nn: num,
  f_lin_analytic: nullableNum,
  f_lin_empirical: nullableNum,
  f_ensemble_mean: nullableNum,
  f_ensemble_var: nullableNum,
});
const spectrumRow = z.strictObject({
  trial_id: z.string(),
  step: int,
  kind: z.enum(['empirical', 'analytic_ntk']),
  rank: int,
  eigenvalue: num,
});
const modeRow = z.strictObject({
  trial_id: z.string(),
  step: int,
  rank: int,
  eigenvalue: num,
  residual: num,
  predicted: num,
});

const checkpointDoc = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  trial_id: z.string(),
  step: int.nonnegative(),
  started_at: z.iso.datetime(),
  wall_s: z.number().nonnegative(),
  attempt: int.positive(),
  weights: z.array(span),
  biases: z.array(span),
  rows: z.strictObject({
    curves: z.array(curveRow),
    kernels: z.array(kernelRow),
    predictions: z.array(predictionRow),
    spectra: z.array(spectrumRow),
    modes: z.array(modeRow),
  }),
});

/**
 * The checkpoint in `doc` (parsed JSON) and `arrays`, as {@link encodeCheckpoint} made them. Throws
 * a {@link CheckpointError} saying what is wrong when either is damaged or they do not match.
 */
export function decodeCheckpoint(doc: unknown, arrays: Uint8Array): TrialCheckpoint {
  const r = checkpointDoc.safeParse(doc);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new CheckpointError(`the checkpoint's JSON is not a checkpoint: ${first.path.join('.')}: ${first.message}`);
  }
  if (arrays.byteLength % 4 !== 0)
    throw new CheckpointError(`the checkpoint's arrays have ${arrays.byteLength} bytes, not a whole number of float32`);
  const buf = fromLittleEndian(arrays);
  const take = ([offset, length]: Span): Float32Array => {
    if (offset + length > buf.length)
      throw new CheckpointError(
        `an array at [${offset}, ${offset + length}) lies outside the ${buf.length} values stored`,
      );
    return buf.slice(offset, offset + length);
  };
  const d = r.data;
  const kernels: KernelRow[] = d.rows.kernels.map((k) => ({ ...k, values: take(k.values) }));
  return {
    trialId: d.trial_id,
    step: d.step,
    weights: d.weights.map(take),
    biases: d.biases.map(take),
    rows: {
      curves: d.rows.curves,
      kernels,
      predictions: d.rows.predictions,
      spectra: d.rows.spectra,
      modes: d.rows.modes,
    },
    startedAt: new Date(d.started_at),
    wallS: d.wall_s,
    attempt: d.attempt,
  };
}
