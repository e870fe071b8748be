/**
 * Every typed failure of the core, in one module. Each names what was wrong in words a user can act
 * on; how each is treated (exit code, retried or not) is declared by its name in src/failure-kinds.ts.
 * (The CLI's UsageError and the orchestration's TemporalSetupError live in their layers, with kinds
 * declared there too.)
 */
import type { FailureName } from './failure-kinds.js';

/** One located problem in a config file (1-based line and column). */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted field path, e.g. `model.activation`; empty for the document itself. */
  path: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = `${p.file}:${p.line}:${p.column}`;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** A config that cannot be used; carries every problem found, not just the first. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError' satisfies FailureName;
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** A dataset that cannot be built or read (missing file, malformed CSV, NaN values). */
export class DatasetError extends Error {
  override readonly name = 'DatasetError' satisfies FailureName;
}

/** A compute backend that was asked for and cannot be initialised here. */
export class BackendError extends Error {
  override readonly name = 'BackendError' satisfies FailureName;
  /** The reason in a few words (`no Vulkan loader (libvulkan.so.1)`), for the one line `auto` prints per skipped backend. */
  readonly short: string;
  constructor(message: string, short?: string) {
    super(message);
    this.short = short ?? message.split('\n')[0];
  }
}

/**
 * The disk that holds a file being written is full (ENOSPC, or a quota): retrying cannot help until
 * space is freed, so a sweep stops rather than failing trial after trial. The message names the disk.
 */
export class DiskFullError extends Error {
  override readonly name = 'DiskFullError' satisfies FailureName;
}

/**
 * A value given outside the config file (a command-line flag such as `--width -3`) that the
 * config's schema refuses. Each line names where the value came from and what was wrong.
 */
export class OverrideError extends Error {
  override readonly name = 'OverrideError' satisfies FailureName;
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/** A path that is not a readable run folder (missing, not a folder, or without the tables an operation needs). */
export class RunFolderError extends Error {
  override readonly name = 'RunFolderError' satisfies FailureName;
}

/** A query DuckDB refused or could not run; the message is DuckDB's, with a hint when a table is absent. */
export class QueryError extends Error {
  override readonly name = 'QueryError' satisfies FailureName;
}

/** A file that could not be written (unwritable folder, disk full), in words. */
export class OutputError extends Error {
  override readonly name = 'OutputError' satisfies FailureName;
}

/**
 * A checkpoint that does not belong to the trial being run (another trial id, other layer sizes, a
 * step the run never logs) or cannot be read. Callers start the trial over instead (docs/design.md §11:
 * a bad checkpoint costs time, never the trial), so it has no failure kind.
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}
