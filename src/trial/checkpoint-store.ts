/**
 * Trial checkpoints in the run folder (docs/design.md §8): `RUN/checkpoints/<trial_id>/` holds
 * `checkpoint.json` and the float32 buffer it names, `arrays-<step>-<nonce>.bin` (./checkpoint-codec.ts).
 *
 * Saving writes the buffer under a fresh name, then the JSON (each to a temporary name, fsynced and
 * renamed: src/io/atomic-write.ts), then removes older buffers. The rename of the JSON is the
 * commit: a reader sees the previous checkpoint or the new one, never a mix, and the JSON records
 * the buffer's length and SHA-256, so a damaged or missing buffer is detected. Loading never
 * throws for bad contents: it says the checkpoint is corrupt, and the caller starts over.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CheckpointError, OutputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { CHECKPOINTS_DIR, checkId, checkpointsRoot } from '../tables/run-folder.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.js';
import type { TrialCheckpoint } from './types.js';

export { CHECKPOINTS_DIR };
const INDEX = 'checkpoint.json';
const BUFFER = /^arrays-\d+-[0-9a-f]+\.bin$/;

/** RUN/checkpoints/<trial_id> */
export function checkpointDir(runDir: string, trialId: string): string {
  checkId('trial_id', trialId);
  return path.join(checkpointsRoot(runDir), trialId);
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** What checkpoint.json holds around the encoded checkpoint: the buffer it belongs with. */
const indexSchema = z.strictObject({
  arrays: z.strictObject({
    file: z.string().regex(BUFFER),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  checkpoint: z.unknown(),
});

/** Writes `ckpt` as the trial's checkpoint, replacing any earlier one. Throws OutputError when it cannot be written. */
export async function saveCheckpoint(runDir: string, ckpt: TrialCheckpoint): Promise<void> {
  const dir = checkpointDir(runDir, ckpt.trialId);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new OutputError(`cannot create the checkpoint folder ${dir}: ${(e as Error).message}`);
  }
  const { doc, arrays } = encodeCheckpoint(ckpt);
  const file = `arrays-${ckpt.step}-${randomBytes(6).toString('hex')}.bin`;
  writeFileAtomic(path.join(dir, file), arrays);
  const index = { arrays: { file, bytes: arrays.byteLength, sha256: sha256(arrays) }, checkpoint: doc };
  writeFileAtomic(path.join(dir, INDEX), JSON.stringify(index));
  // Buffers of earlier checkpoints are garbage now. (Temporary files are left to deleteCheckpoint:
  // one may belong to a writer still at work, e.g. a retry racing an attempt thought dead.)
  for (const name of await readdir(dir)) {
    if (name !== file && BUFFER.test(name)) await rm(path.join(dir, name), { force: true });
  }
}

export type CheckpointLoad =
  | { state: 'none' }
  | { state: 'ok'; checkpoint: TrialCheckpoint }
  /** Unreadable, damaged or of another trial: start over (and delete it). */
  | { state: 'corrupt'; reason: string };

/** The trial's checkpoint, if there is a usable one. Never throws for what is (or is not) on disk. */
export async function loadCheckpoint(runDir: string, trialId: string): Promise<CheckpointLoad> {
  const dir = checkpointDir(runDir, trialId);
  let indexText: string;
  try {
    indexText = await readFile(path.join(dir, INDEX), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'none' };
    return { state: 'corrupt', reason: `cannot read ${path.join(dir, INDEX)}: ${(e as Error).message}` };
  }
  try {
    let raw: unknown;
    try {
      raw = JSON.parse(indexText);
    } catch (e) {
      throw new CheckpointError(`${INDEX} does not parse: ${(e as Error).message}`);
    }
    const index = indexSchema.safeParse(raw);
    if (!index.success) throw new CheckpointError(`${INDEX} is not a checkpoint index`);
    const { file, bytes, sha256: sum } = index.data.arrays;
    let arrays: Uint8Array;
    try {
      arrays = await readFile(path.join(dir, file));
    } catch (e) {
      throw new CheckpointError(`cannot read its arrays ${file}: ${(e as Error).message}`);
    }
    if (arrays.byteLength !== bytes || sha256(arrays) !== sum)
      throw new CheckpointError(`its arrays ${file} are damaged (length or SHA-256 differ)`);
    const checkpoint = decodeCheckpoint(index.data.checkpoint, arrays);
    if (checkpoint.trialId !== trialId) throw new CheckpointError(`it belongs to trial ${checkpoint.trialId}`);
    return { state: 'ok', checkpoint };
  } catch (e) {
    if (e instanceof CheckpointError)
      return { state: 'corrupt', reason: `checkpoint of trial ${trialId} unusable: ${e.message}` };
    throw e;
  }
}

/** Removes the trial's checkpoint folder (nothing when there is none). */
export async function deleteCheckpoint(runDir: string, trialId: string): Promise<void> {
  await rm(checkpointDir(runDir, trialId), { recursive: true, force: true });
}
