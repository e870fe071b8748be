/**
 * A query's rows as an aligned text table (the default output of `ntk-sweep query`): a header, a
 * rule, one line per row, numbers right-aligned, NULL for missing values, and the row count.
 */
import type { QueryResult } from './run-sql.js';

/** Cells longer than this are cut (a kernel row is a list of hundreds of floats). */
export const MAX_CELL_CHARS = 60;

const length = (s: string): number => [...s].length;

/** A value as one line of text, as DuckDB prints it. */
export function cellText(v: unknown, maxChars = MAX_CELL_CHARS): string {
  const text = v === null || v === undefined ? 'NULL' : String(v).replace(/\r?\n/gu, '\\n');
  const chars = [...text];
  return chars.length > maxChars ? `${chars.slice(0, maxChars - 1).join('')}…` : text;
}

/** The rows as lines of text (no trailing newline). */
export function formatTable(result: QueryResult, maxChars = MAX_CELL_CHARS): string {
  const cells = result.rows.map((row) => row.map((v) => cellText(v, maxChars)));
  const widths = result.columns.map((c, j) => Math.max(length(c), ...cells.map((r) => length(r[j]))));
  const pad = (s: string, j: number): string => {
    const fill = ' '.repeat(widths[j] - length(s));
    return result.numeric[j] ? fill + s : s + fill;
  };
  const lines = [
    result.columns
      .map((c, j) => pad(c, j))
      .join(' | ')
      .trimEnd(),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...cells.map((r) =>
      r
        .map((s, j) => pad(s, j))
        .join(' | ')
        .trimEnd(),
    ),
    `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`,
  ];
  return lines.join('\n');
}
