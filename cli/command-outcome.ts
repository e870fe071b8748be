/**
 * A command's exit code, handed back to cli/main.ts: yargs handlers return nothing, so main
 * gives each parse its own outcome (yargs context, merged into the handler's arguments) and reads
 * it once the command has run.
 */
export interface CommandOutcome {
  exitCode?: number;
}

/** The arguments of a command whose work decides its exit code. */
export interface OutcomeArgs {
  outcome: CommandOutcome;
}
