/** One trial end to end (docs/design.md §2–§5, §8): the runner, its checkpoints, and the run-folder wrapper. */
export type * from './types.js';
export {
  computeTrial,
  checkResume,
  loggedSteps,
  checkpointInterval,
  SPECTRUM_TOP,
  MODES_TOP,
} from './compute-trial.js';
export { executeTrial, type ExecuteTrialInput, type ExecuteTrialResult } from './execute-trial.js';
export {
  saveCheckpoint,
  loadCheckpoint,
  deleteCheckpoint,
  checkpointDir,
  CHECKPOINTS_DIR,
  type CheckpointLoad,
} from './checkpoint-store.js';
export { encodeCheckpoint, decodeCheckpoint, type EncodedCheckpoint } from './checkpoint-codec.js';
export { CheckpointError } from '../errors.js';
export { emptyTimings } from './phase-clock.js';
