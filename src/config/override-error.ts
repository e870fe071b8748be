import type { FailureName } from '../failure-kinds.js';

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
