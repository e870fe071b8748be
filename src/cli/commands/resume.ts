/**
 * `ntk-sweep resume RUN_DIR|SWEEP_ID`: continues a sweep — the workflow where it stopped when its
 * server kept it (the embedded server's database is in the run folder), else a new one that runs
 * only the trials whose outputs are missing or failed. Lifts a pause. Options as `run`.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { OutcomeArgs } from '../command-outcome.js';
import { sweepOptions, toSweepOptions, type SweepArgs } from './sweep-options.js';

interface ResumeArgs extends SweepArgs, OutcomeArgs {
  target: string;
}

export const resumeSweepCommand: CommandModule<object, ResumeArgs> = {
  command: 'resume <target>',
  describe: 'continue an interrupted, paused or failed sweep (RUN_DIR or SWEEP_ID)',
  builder: (y: Argv) =>
    sweepOptions(
      y.example('$0 resume runs/quickstart', 'continue the sweep whose run folder this is').positional('target', { type: 'string', describe: 'run folder, or sweep id', demandOption: true }),
    ) as unknown as Argv<ResumeArgs>,
  handler: async (args: ArgumentsCamelCase<ResumeArgs>) => {
    const { resumeCommand } = await import('../../../orchestration/launch.js');
    args.outcome.exitCode = await resumeCommand(args.target, toSweepOptions(args));
  },
};
