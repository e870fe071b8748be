/**
 * `ntk-sweep aggregate RUN_DIR [--resamples N] [--seed S]`: (re)writes RUN/summary/summary.parquet
 * and RUN/fits/fits.parquet from the run folder's Parquet files (src/aggregate/), then prints what
 * it wrote and the fitted slopes of the kernel's relative error (theory: −1/2).
 */
import type { FitRow } from '../../src/aggregate/index.js';
import { withRunDir } from '../flag-conventions.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../usage-error.js';

interface AggregateArgs {
  runDir: string;
  resamples: number;
  seed: number;
}

export const aggregateCommand = defineCommand<AggregateArgs>({
  command: 'aggregate <run-dir>',
  describe: 'write the summary (means, CIs over seeds) and fits (slopes against width) tables of a run folder',
  examples: [['$0 aggregate runs/quickstart', 'summary/summary.parquet and fits/fits.parquet of the run']],
  flags: (y) =>
    withRunDir(y)
      .option('resamples', { type: 'number', default: 1000, describe: 'bootstrap resamples per fit' })
      .option('seed', { type: 'number', default: 0, describe: 'seed of the bootstrap' }),
  run: runAggregateCommand,
});

const fmt = (v: number | null, digits = 3): string => (v === null ? '—' : v.toFixed(digits));

function slopeLine(f: FitRow): string {
  const where = `${f.group}, ${f.metric}${f.step === null ? '' : ` at step ${f.step}`}`;
  if (f.slope === null) return `  ${where}: no slope (${f.reason})`;
  return `  ${where}: slope ${fmt(f.slope)} [${fmt(f.slope_ci_low)}, ${fmt(f.slope_ci_high)}], R² ${fmt(f.r2)}, ${f.n_widths} widths`;
}

/** The command's work; throws the typed errors that the CLI reports (cli/report-error.ts). */
export async function runAggregateCommand(args: AggregateArgs): Promise<void> {
  if (!Number.isInteger(args.resamples) || args.resamples < 1)
    throw new UsageError('ntk-sweep aggregate: --resamples must be a positive integer');
  if (!Number.isInteger(args.seed) || args.seed < 0)
    throw new UsageError('ntk-sweep aggregate: --seed must be a non-negative integer');
  const { aggregateRun } = await import('../../src/aggregate/index.js');
  const r = await aggregateRun(args.runDir, { resamples: args.resamples, seed: args.seed });
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  out(
    `trials: ${r.trials.total} (${r.trials.ok} ok, ${r.trials.failed} failed, ${r.trials.diverged} diverged; failed and diverged are left out)`,
  );
  out(`groups by: ${r.groupAxes.length ? r.groupAxes.join(', ') : '(width and seed only)'}`);
  out(`summary: ${r.summaryRows} rows → ${r.summaryFile}`);
  out(`fits: ${r.fits.length} rows → ${r.fitsFile}`);
  const kernel = r.fits.filter((f) => f.metric === 'kernel_rel_err');
  if (kernel.length) {
    out('kernel_rel_err against width (theory: slope −0.5 at initialisation):');
    for (const f of kernel) out(slopeLine(f));
  }
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
}
