/**
 * `ntk-sweep cancel RUN_DIR|SWEEP_ID [--now]`: stops a sweep gracefully (no new trials; running
 * ones finish) or, with --now, at once (running trials keep their checkpoints). `ntk-sweep pause`
 * stops launching until `ntk-sweep resume`.
 */
import { defineCommand } from '../command.js';
import { serverOptions, toControlOptions, withTarget, type ServerArgs } from './sweep-options.js';

interface CancelArgs extends ServerArgs {
  target: string;
  now?: boolean;
}

export const cancelSweepCommand = defineCommand<CancelArgs>({
  command: 'cancel <target>',
  describe: 'cancel a sweep: no new trials start, running ones finish (--now: stop at once)',
  examples: [
    ['$0 cancel runs/quickstart', 'no new trials; running ones finish'],
    ['$0 cancel runs/quickstart --now', 'stop at once'],
  ],
  flags: (y) =>
    serverOptions(
      withTarget(y).option('now', {
        type: 'boolean',
        describe: 'terminate at once instead of letting running trials finish',
      }),
    ),
  run: async (args) => {
    const { cancelCommand } = await import('../../orchestration/control.js');
    return cancelCommand(args.target, toControlOptions(args));
  },
});

export const pauseSweepCommand = defineCommand<CancelArgs>({
  command: 'pause <target>',
  describe: 'pause a sweep: running trials finish, no new ones start until ntk-sweep resume',
  examples: [['$0 pause runs/quickstart', 'then: $0 resume runs/quickstart']],
  flags: (y) => serverOptions(withTarget(y)),
  run: async (args) => {
    const { pauseCommand } = await import('../../orchestration/control.js');
    return pauseCommand(args.target, toControlOptions(args));
  },
});
