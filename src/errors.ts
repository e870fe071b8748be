/**
 * Typed failures of the core. Each names what was wrong in words a user can act on; how each is
 * treated (exit code, retried or not) is declared by its name in src/failure-kinds.ts.
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
