/**
 * `ntk-sweep resume RUN_DIR|SWEEP_ID`: continues a sweep — the workflow where it stopped when its
 * server kept it (the embedded server's database is in the run folder), else a new one that runs
 * only the trials whose outputs are missing or failed. Lifts a pause. Options as `run`.
 */
import { defineCommand } from '../command.js';
import { sweepOptions, toSweepOptions, withTarget, type SweepArgs } from './sweep-options.js';

interface ResumeArgs extends SweepArgs {
  target: string;
}

export const resumeSweepCommand = defineCommand<ResumeArgs>({
  command: 'resume <target>',
  describe: 'continue an interrupted, paused or failed sweep (RUN_DIR or SWEEP_ID)',
  examples: [['$0 resume runs/quickstart', 'continue the sweep whose run folder this is']],
  flags: (y) => sweepOptions(withTarget(y)),
  run: async (args) => {
    const { resumeCommand } = await import('../../orchestration/launch.js');
    return resumeCommand(args.target, toSweepOptions(args));
  },
});
