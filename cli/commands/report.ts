/**
 * `ntk-sweep report RUN_DIR [--no-aggregate]`: re-aggregates the run folder (summary and fits,
 * src/aggregate/) and renders its report (src/report/) from the Parquet files alone — no Temporal
 * server, no network. Writes RUN/report/index.html, RUN/report/report.md and RUN/report/figures/.
 */
import { withRunDir } from '../flag-conventions.js';
import { defineCommand, note } from '../command.js';

interface ReportArgs {
  runDir: string;
  aggregate: boolean;
}

export const reportCommand = defineCommand<ReportArgs>({
  command: 'report <run-dir>',
  describe: 'aggregate a run folder and write its report (HTML, Markdown, SVG figures) from the Parquet files alone',
  examples: [['$0 report runs/quickstart', 'writes runs/quickstart/report/index.html']],
  flags: (y) =>
    withRunDir(y).option('aggregate', {
      type: 'boolean',
      default: true,
      describe: 'recompute summary and fits first (--no-aggregate renders the tables as they are)',
    }),
  run: runReportCommand,
});

/** The command's work; throws the typed errors that the CLI reports (cli/report-error.ts). */
export async function runReportCommand(args: ReportArgs): Promise<void> {
  const [{ aggregateRun }, { checkRunFolder }, { initialKernelSlopes, writeReport }, { formatValue }] =
    await Promise.all([
      import('../../src/aggregate/index.js'),
      import('../../src/query/run-views.js'),
      import('../../src/report/index.js'),
      import('../../src/report/format.js'),
    ]);
  checkRunFolder(args.runDir);
  if (args.aggregate) {
    const agg = await aggregateRun(args.runDir);
    for (const w of agg.warnings) note(`warning: ${w}`);
    note(
      `aggregated ${agg.trials.total} trials (${agg.trials.ok} ok, ${agg.trials.diverged} diverged, ` +
        `${agg.trials.failed} failed): ${agg.summaryRows} summary rows, ${agg.fits.length} fits`,
    );
  }
  const r = await writeReport(args.runDir);
  if (r.data.tables.includes('fits')) {
    for (const s of await initialKernelSlopes(args.runDir)) {
      const fmt = (v: number | null) => formatValue({ value: v });
      note(
        s.slope === null
          ? `kernel_rel_err at step ${s.step}, ${s.group}: no slope (${s.reason})`
          : `kernel_rel_err at step ${s.step}, ${s.group}: slope ${fmt(s.slope)} [${fmt(s.slope_ci_low)}, ${fmt(s.slope_ci_high)}] over ${s.n_widths} widths (theory −0.5)`,
      );
    }
  }
  note(`wrote ${r.html}, ${r.markdown} and ${r.figures.length} figures`);
  process.stdout.write(`${r.html}\n`);
}
