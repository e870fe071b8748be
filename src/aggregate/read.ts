/**
 * Reading the aggregation's tables back (for the report and for checks), through DuckDB over the
 * run folder. Inverse of `aggregateRun`'s writing.
 */
import { openRun, type RunDatabase } from '../query/run-views.js';
import { SUMMARY_FIELDS, FIT_FIELDS, type FitRow, type SummaryRow } from './schemas.js';
import { RunFolderError } from '../errors.js';

async function readRows<T>(
  runDir: string,
  table: 'summary' | 'fits',
  fixed: readonly string[],
  where?: string,
): Promise<T[]> {
  const db: RunDatabase = await openRun(runDir);
  try {
    if (!db.tables.includes(table)) throw new RunFolderError(`${runDir}: no ${table} table; run the aggregation first`);
    const reader = await db.connection.runAndReadAll(`SELECT * FROM ${table}${where ? ` WHERE ${where}` : ''}`);
    const names = reader.columnNames();
    const axes = names.filter((n) => n !== 'group' && !fixed.includes(n));
    return reader.getRowObjectsJS().map((r) => {
      const row: Record<string, unknown> = {};
      const groupValues: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) {
        const value = typeof v === 'bigint' ? Number(v) : v;
        if (axes.includes(k)) groupValues[k] = value;
        else row[k] = value;
      }
      return { ...row, groupValues } as T;
    });
  } finally {
    db.close();
  }
}

/** The summary rows of a run folder, optionally filtered by a SQL condition (trusted text, e.g. `metric = 'kernel_rel_err'`). */
export function readSummary(runDir: string, where?: string): Promise<SummaryRow[]> {
  return readRows<SummaryRow>(
    runDir,
    'summary',
    SUMMARY_FIELDS.map((f) => f.name),
    where,
  );
}

/** The fits rows of a run folder, optionally filtered by a SQL condition (trusted text). */
export function readFits(runDir: string, where?: string): Promise<FitRow[]> {
  return readRows<FitRow>(
    runDir,
    'fits',
    FIT_FIELDS.map((f) => f.name),
    where,
  );
}
