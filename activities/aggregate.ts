/**
 * `aggregate` (CPU queue): the sweep's last step — the summary and fits tables over every trial of
 * the run folder (src/aggregate aggregateRun: RUN/summary/summary.parquet, RUN/fits/fits.parquet).
 */
import path from 'node:path';
import { aggregateRun } from '../src/aggregate/index.js';
import type { AggregateResult, RunRef } from '../workflows/shared.js';

export async function aggregate(ref: RunRef): Promise<AggregateResult> {
  const out = await aggregateRun(ref.runDir);
  return { wrote: [out.summaryFile, out.fitsFile].map((f) => path.relative(ref.runDir, f)) };
}
