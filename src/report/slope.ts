/**
 * The headline number of a width study: the fitted log-log slope of `kernel_rel_err` against width
 * at initialisation (the first fitted step), per group, read from the run folder's `fits` table.
 * Theory: −1/2 (docs/design.md §5). The report prints the same rows (./sections/headline.ts, `headlineFits`).
 *
 * @example
 * const [s] = await initialKernelSlopes('runs/quickstart'); // s.slope ≈ −0.5
 */
import { openRun } from '../query/run-views.js';
import { HEADLINE_METRIC } from './sections/index.js';
import { rowsOf } from './queries.js';
import { RunFolderError } from '../errors.js';

export interface KernelSlope {
  group: string;
  step: number;
  slope: number | null;
  slope_ci_low: number | null;
  slope_ci_high: number | null;
  r2: number | null;
  n_widths: number;
  /** Why there is no slope (`one width`, `non-positive mean`), else null. */
  reason: string | null;
}

/** The fits of kernel_rel_err at its first fitted step, one per group. Throws RunFolderError without fits. */
export async function initialKernelSlopes(runDir: string): Promise<KernelSlope[]> {
  const db = await openRun(runDir);
  try {
    if (!db.tables.includes('fits'))
      throw new RunFolderError(`${runDir}: no fits table (run the aggregation: ntk-sweep report ${runDir})`);
    const rows = await rowsOf(
      db.connection,
      `SELECT "group", step, slope, slope_ci_low, slope_ci_high, r2, n_widths, reason FROM fits
       WHERE source = 'curves' AND metric = '${HEADLINE_METRIC}'
         AND step = (SELECT min(step) FROM fits WHERE source = 'curves' AND metric = '${HEADLINE_METRIC}')
       ORDER BY "group"`,
    );
    return rows.map((r) => ({
      group: String(r.group),
      step: Number(r.step),
      slope: r.slope === null ? null : Number(r.slope),
      slope_ci_low: r.slope_ci_low === null ? null : Number(r.slope_ci_low),
      slope_ci_high: r.slope_ci_high === null ? null : Number(r.slope_ci_high),
      r2: r.r2 === null ? null : Number(r.r2),
      n_widths: Number(r.n_widths),
      reason: r.reason === null ? null : String(r.reason),
    }));
  } finally {
    db.close();
  }
}
