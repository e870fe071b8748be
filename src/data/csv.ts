/**
 * Reading numeric columns from a CSV file with a header row, with every problem located at
 * file:line:column of the offending cell (parsing by csv-parse; positions recovered from each
 * record's raw text, since the parser reports lines but not cell columns).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DatasetError } from '../errors.js';
import { didYouMean } from '../config/did-you-mean.js';
import { makeMat, type Mat } from '../linalg/mat.js';

/** 1-based position in the file. */
interface Position {
  line: number;
  column: number;
}

/** A parsed CSV file: header, data rows as strings, and where each cell starts. */
export interface CsvTable {
  /** The file as messages name it. */
  file: string;
  header: string[];
  /** Data rows (header excluded), cells trimmed. */
  rows: string[][];
  /** Position of the header's cells. */
  headerPos: Position[];
  /** Position of each data row's cells, and of the end of the row (for missing cells). */
  rowPos: { cells: Position[]; end: Position }[];
}

/** At most this many problems are listed in one error. */
const MAX_LISTED = 10;

/** Throws one DatasetError listing the problems (the first few, then how many more). */
function fail(problems: string[]): never {
  const shown = problems.slice(0, MAX_LISTED);
  if (problems.length > MAX_LISTED) shown.push(`… and ${problems.length - MAX_LISTED} more problems`);
  throw new DatasetError(shown.join('\n'));
}

const at = (file: string, p: Position): string => `${file}:${p.line}:${p.column}`;

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

/**
 * Start positions of the fields of one record's text (quote-aware, RFC 4180: `""` escapes a
 * quote inside a quoted field), and of the record's end. `startLine` is the record's first line.
 */
function fieldPositions(text: string, startLine: number, delimiter = ','): { cells: Position[]; end: Position } {
  const cells: Position[] = [];
  let line = startLine;
  let col = 1;
  let i = 0;
  const advance = (): void => {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
    i++;
  };
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') advance();
    cells.push({ line, column: col });
    if (text[i] === '"') {
      advance();
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') {
          advance();
          advance();
        } else if (text[i] === '"') {
          advance();
          break;
        } else advance();
      }
    }
    while (i < text.length && text[i] !== delimiter) advance();
    if (i >= text.length) break;
    advance(); // the delimiter
  }
  return { cells, end: { line, column: col } };
}

/** The record's own text and its first line, from csv-parse's raw text and end line. */
function recordText(raw: string, endLine: number): { text: string; line: number } {
  let text = raw.replace(/\r?\n$|\r$/, '').replace(/\r\n/g, '\n');
  let line = endLine - (text.match(/\n/g)?.length ?? 0);
  // Skipped empty lines before the record are part of its raw text.
  while (text.startsWith('\n')) {
    text = text.slice(1);
    line++;
  }
  return { text, line };
}

/**
 * Reads a CSV file (header row first). Missing file, parse errors, empty header names, duplicate
 * names and rows whose cell count differs from the header's are DatasetErrors located in the file.
 * `file` is how messages name it; `absPath` is where it is read from.
 */
export function readCsv(absPath: string, file = absPath): CsvTable {
  let text: string;
  try {
    text = readFileSync(absPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DatasetError(`${file}: cannot read the data file: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      bom: true,
      raw: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as ParsedRecord[];
  } catch (e) {
    const err = e as Error & { lines?: number; code?: string };
    throw new DatasetError(`${file}:${err.lines ?? 1}:1: malformed CSV: ${err.message.replace(/^[A-Z_]+: /, '')}`);
  }
  if (records.length === 0) throw new DatasetError(`${file}:1:1: the file is empty; expected a header row of column names`);

  const problems: string[] = [];
  const located = records.map((r) => {
    const { text: t, line } = recordText(r.raw, r.info.lines);
    return fieldPositions(t, line);
  });
  const [head, ...body] = records;
  const header = head.record;
  const headerPos = located[0].cells;
  const firstAt = new Map<string, number>();
  header.forEach((name, j) => {
    if (name === '') problems.push(`${at(file, headerPos[j])}: header cell ${j + 1} is empty; every column needs a name`);
    else if (firstAt.has(name)) problems.push(`${at(file, headerPos[j])}: the column name '${name}' appears twice in the header`);
    else firstAt.set(name, j);
  });
  body.forEach((r, i) => {
    const pos = located[i + 1];
    const n = r.record.length;
    if (n > header.length) {
      problems.push(`${at(file, pos.cells[header.length])}: malformed row: ${n} cells, but the header has ${header.length} columns`);
    } else if (n < header.length) {
      problems.push(`${at(file, pos.end)}: malformed row: ${n} cells, but the header has ${header.length} columns`);
    }
  });
  if (problems.length > 0) fail(problems);
  return { file, header, rows: body.map((r) => r.record), headerPos, rowPos: located.slice(1) };
}

/** A decimal number as written in data files (no hex, no `Infinity`, no empty string). */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The column indices of `names` in the header; unknown names are located at the header. */
export function columnIndices(table: CsvTable, names: readonly string[], role: string): number[] {
  const problems: string[] = [];
  const idx = names.map((n) => {
    const j = table.header.indexOf(n);
    if (j < 0) {
      problems.push(
        `${table.file}:1:1: the ${role} column '${n}' is not in the header (${table.header.join(', ')})${didYouMean(n, table.header)}`,
      );
    }
    return j;
  });
  if (problems.length > 0) fail(problems);
  return idx;
}

/**
 * Rows [start, end) of the given columns as a float64 matrix. A cell that is empty, not a number,
 * or not finite (`NaN`, `inf`, 1e999) is a DatasetError at its file:line:column.
 */
export function numericBlock(table: CsvTable, columns: readonly number[], start: number, end: number): Mat {
  const m = makeMat(end - start, columns.length);
  const problems: string[] = [];
  for (let i = start; i < end; i++) {
    const cells = table.rows[i];
    columns.forEach((j, c) => {
      const cell = cells[j];
      const name = table.header[j];
      const where = at(table.file, table.rowPos[i].cells[j]);
      if (cell === '') {
        problems.push(`${where}: column '${name}': expected a number, found an empty cell`);
        return;
      }
      const v = NUMBER.test(cell) ? Number(cell) : NaN;
      if (!Number.isFinite(v)) {
        problems.push(`${where}: column '${name}': expected a finite number, found ${/[\r\n]/.test(cell) ? JSON.stringify(cell) : `'${cell}'`}`);
        return;
      }
      m.data[(i - start) * columns.length + c] = v;
    });
  }
  if (problems.length > 0) fail(problems);
  return m;
}
