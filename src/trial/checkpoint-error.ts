/**
 * A checkpoint that does not belong to the trial being run (another trial id, other layer sizes, a
 * step the run never logs) or cannot be read. Callers start the trial over instead (docs/design.md §11:
 * a bad checkpoint costs time, never the trial).
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}
