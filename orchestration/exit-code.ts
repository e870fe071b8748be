/**
 * Exit codes chosen by a command that succeeded as a command but has more to say (an interrupted
 * sweep exits 130). yargs handlers return nothing, so they leave the code here and cli/main.ts
 * returns it.
 */
let pending: number | undefined;

export function setCommandExitCode(code: number): void {
  pending = code;
}

/** The code a command left (0 when none), cleared for the next command in this process. */
export function takeCommandExitCode(): number {
  const code = pending ?? 0;
  pending = undefined;
  return code;
}
