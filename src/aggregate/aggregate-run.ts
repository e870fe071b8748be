/**
 * Aggregation of a run folder (docs/design.md §10): DuckDB SQL over its Parquet files gives, per
 * group (every grid axis but width and seed) × width × metric × step, the mean, sd and t-based 95%
 * CI over seeds (`summary`), and per group × metric × step the log-log slope against width with R²
 * and a bootstrap CI over seeds (`fits`). Written to RUN/summary/summary.parquet and
 * RUN/fits/fits.parquet, each atomically; the columns are documented in src/aggregate/schemas.ts.
 * Failed and diverged trials are counted and left out of every statistic.
 *
 * @example
 * const result = await aggregateRun('runs/relu-width');
 * const init = result.fits.find((f) => f.metric === 'kernel_rel_err' && f.step === 0); // slope ≈ −0.5
 */
import { FITS_FILE, SUMMARY_FILE } from '../tables/run-folder.js';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { quotedString } from '@duckdb/node-api';
import { writeFileAtomic } from '../io/atomic-write.js';
import { openRun, withUnifiedSchemas, type RunDatabase } from '../query/run-views.js';
import { computeFits, type FitOptions } from './fits.js';
import { makeFitsTable } from './fits-table.js';
import { describeColumns, findGroupAxes, groupFields, type GroupAxis } from './group-axes.js';
import { summarySchema, type FitRow } from './schemas.js';
import { conformToSchema } from '../tables/conform-schema.js';
import { arrowToParquet, parquetToArrow } from '../tables/parquet.js';
import {
  addCandidateColumns,
  buildSummary,
  copyTrialRows,
  curveMetrics,
  prepareTrials,
  summarySelect,
  trialMetrics,
  type SummaryMetrics,
} from './summary-sql.js';
import { OutputError, RunFolderError } from '../errors.js';

export interface AggregateOptions extends Partial<FitOptions> {
  /** Use this open database instead of opening one on `runDir`. */
  db?: RunDatabase;
  /** Called after each phase with its wall time (for benchmarks). */
  onPhase?: (phase: string, seconds: number) => void;
}

export interface AggregateResult {
  summaryFile: string;
  fitsFile: string;
  /** The group axes found (columns of trials other than width and seed that vary). */
  groupAxes: string[];
  metrics: SummaryMetrics;
  /** Rows written to summary.parquet (read them with `readSummary`). */
  summaryRows: number;
  fits: FitRow[];
  trials: { total: number; ok: number; failed: number; diverged: number };
  /** Things a user should know: cells with several trials of one seed (an axis the grouping does not know). */
  warnings: string[];
}

/** Where the aggregation writes its tables in a run folder. */
export function aggregatePaths(runDir: string): { summaryFile: string; fitsFile: string } {
  return {
    summaryFile: path.join(runDir, SUMMARY_FILE),
    fitsFile: path.join(runDir, FITS_FILE),
  };
}

/**
 * DuckDB computes the summary (it can be large) and writes it to a temporary file; its COPY
 * declares every column nullable, so the rows are read back and written with the summary's own
 * schema (src/aggregate/schemas.ts), atomically.
 */
async function writeSummaryFile(db: RunDatabase, axes: readonly GroupAxis[], file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await db.connection.run(`COPY (${summarySelect(axes)}) TO ${quotedString(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
    const rows = conformToSchema(parquetToArrow(readFileSync(tmp)), summarySchema(groupFields(axes)));
    writeFileAtomic(file, arrowToParquet(rows));
  } catch (e) {
    throw new OutputError(`cannot write ${file}: ${(e as Error).message}`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

async function trialCounts(db: RunDatabase): Promise<AggregateResult['trials']> {
  const [total, ok, failed, diverged] = (
    await db.connection.runAndReadAll(
      `SELECT count(*), count(*) FILTER (WHERE status = 'ok'), count(*) FILTER (WHERE status = 'failed'),
        count(*) FILTER (WHERE status = 'diverged') FROM agg_trials`,
    )
  )
    .getRows()[0]
    .map(Number);
  return { total, ok, failed, diverged };
}

async function duplicateSeedWarnings(db: RunDatabase): Promise<string[]> {
  const rows = (
    await db.connection.runAndReadAll(
      `SELECT "group", width, seed, count(*) AS n FROM agg_trials GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL LIMIT 5`,
    )
  ).getRowObjectsJS();
  return rows.map(
    (r) =>
      `${r.n} trials share group ${r.group}, width ${r.width}, seed ${r.seed}: an axis other than the trial parameters varies; they are averaged together`,
  );
}

/**
 * Aggregates the run folder and writes summary.parquet and fits.parquet. Throws RunFolderError
 * when the folder has no trials table (or it lacks trial_id, status, width, seed).
 */
export async function aggregateRun(runDir: string, options: AggregateOptions = {}): Promise<AggregateResult> {
  const fitOptions: FitOptions = { resamples: options.resamples ?? 1000, seed: options.seed ?? 0 };
  let t0 = performance.now();
  const phase = (name: string): void => {
    const t = performance.now();
    options.onPhase?.(name, (t - t0) / 1000);
    t0 = t;
  };
  // union_by_name from the start: metrics are found from the views' columns, and a column present
  // only in files after the first would otherwise be missed without an error.
  const db = options.db ?? (await openRun(runDir, { only: ['trials', 'curves', 'spectra'], unionByName: true }));
  phase('open');
  // Row order within the temporary tables does not matter (the files are written with ORDER BY);
  // letting DuckDB drop it makes scans of thousands of files noticeably more parallel.
  const order = await db.connection.runAndReadAll("SELECT current_setting('preserve_insertion_order')");
  const preserveOrder = Boolean(order.getRows()[0][0]);
  await db.connection.run('SET preserve_insertion_order = false');
  try {
    if (!db.tables.includes('trials')) {
      throw new RunFolderError(`${runDir}: no trials table (trials/*.parquet); nothing to aggregate`);
    }
    const { connection } = db;
    // Everything that reads the Parquet files; run again with unified views if their columns differ.
    const { axes, metrics, summaryRows, fits } = await withUnifiedSchemas(db, async () => {
      const trialColumns = await describeColumns(connection, 'trials');
      const metrics: SummaryMetrics = {
        curves: db.tables.includes('curves') ? curveMetrics(await describeColumns(connection, 'curves')) : [],
        trials: trialMetrics(trialColumns),
        spectra: db.tables.includes('spectra'),
      };
      await copyTrialRows(connection, trialColumns, metrics.trials);
      const axes = await findGroupAxes(connection, trialColumns, () => addCandidateColumns(connection, trialColumns));
      await prepareTrials(connection, axes);
      phase('trials');
      const summaryRows = await buildSummary(connection, axes, metrics);
      phase('summary');
      const fits = await computeFits(connection, axes, metrics, fitOptions);
      phase('fits');
      return { axes, metrics, summaryRows, fits };
    });

    const { summaryFile, fitsFile } = aggregatePaths(runDir);
    await writeSummaryFile(db, axes, summaryFile);
    mkdirSync(path.dirname(fitsFile), { recursive: true });
    writeFileAtomic(fitsFile, arrowToParquet(makeFitsTable(fits, axes)));
    phase('write');

    return {
      summaryFile,
      fitsFile,
      groupAxes: axes.map((a) => a.name),
      metrics,
      summaryRows,
      fits,
      trials: await trialCounts(db),
      warnings: await duplicateSeedWarnings(db),
    };
  } finally {
    if (options.db) await db.connection.run(`SET preserve_insertion_order = ${preserveOrder}`);
    else db.close();
  }
}
