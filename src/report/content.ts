/**
 * The content model of a report: sections of paragraphs, tables and figures, built once
 * (./sections/, one file per section) and written twice, as HTML (./html.ts) and as Markdown (./markdown.ts), so the
 * two always hold the same tables.
 *
 * Every number a reader sees is a {@link Value} that records where it came from: the table or view
 * it was read from (`src`), the row (`key`, column = value equalities) and the column or SQL
 * expression (`col`). The HTML writes these as `<data value=… data-src=… data-key=… data-col=…>`,
 * so a test can run the same lookup against the run folder and compare. Plain text may hold no digit
 * at all (checked when the report is written): a number that did not come from a query cannot slip in.
 */

/** Where a value was read from: `SELECT <col> FROM <src> WHERE <key…>` over the run folder's views. */
export interface Source {
  /** A run-folder view (`trials`, `summary`, `fits`, …) or `manifest.json` / `config.yaml`. */
  src: string;
  /** Equalities that select one row (column → value); empty for a table-wide aggregate. */
  key: Record<string, string | number | null>;
  /** A column name or an aggregate expression (`count(*)`), or a JSON path for `manifest.json`. */
  col: string;
}

/** A number or a string read from the run folder. */
export interface Value extends Source {
  kind: 'value';
  value: number | string | null;
  /** Numbers: how to print (default: 4 significant digits; integers in full). */
  format?: 'int' | 'sig4' | 'sig3';
  /** Shown as code (names, ids). */
  style?: 'code';
}

/**
 * A fixed phrase that holds digits but is not data: the theory's slopes (−1/2, −1, 0, from
 * src/metrics/catalogue.ts), the confidence
 * level (95%), the point x₀ = (1, 0) and the figure of the paper the kernel plot follows.
 * The set is closed, so a test can allow exactly these.
 */
export interface Constant {
  kind: 'const';
  text: (typeof CONSTANTS)[number];
}
export const CONSTANTS = ['−1/2', '−1', '0', '95%', '(1, 0)', 'Figure 1'] as const;

/** A paper cited by its arXiv id (`arXiv:1806.07572`): digits, but a name, not a number. */
export interface Cite {
  kind: 'cite';
  arxiv: string;
}
export const ARXIV_ID = /^arXiv:\d{4}\.\d{4,5}$/;

/** Inline content: plain text (no numbers), values, constants, citations, code-formatted names. */
export type Inline =
  string | Value | Constant | Cite | { kind: 'code'; text: string } | { kind: 'strong'; parts: Inline[] };

export interface Paragraph {
  kind: 'paragraph';
  parts: Inline[];
  /** `warning` paragraphs stand out (failed trials, no slope, flagged learning rates). */
  tone?: 'note' | 'warning';
}

export interface TableBlock {
  kind: 'table';
  /** Identifies the table in the HTML (`data-table`) and in tests. */
  id: string;
  columns: string[];
  rows: Inline[][];
  caption?: Inline[];
}

/** A figure: the rendered SVG and the Vega-Lite spec it came from. */
export interface FigureBlock {
  kind: 'figure';
  /** File name stem under report/figures/ and the HTML `data-figure` id. */
  id: string;
  /** Which plot (convergence, loss-curves, kernel-angle, spectra): tests count its marks by kind. */
  plot: string;
  /** Attributes that tell tests which slice of the data the figure shows (metric, group, …). */
  attrs: Record<string, string>;
  svg: string;
  spec: object;
  caption: Inline[];
}

/** A verbatim text block read from the run folder (the config as launched). */
export interface PreBlock {
  kind: 'pre';
  value: Value;
}

/** A sub-heading (h3) inside a section. */
export interface HeadingBlock {
  kind: 'heading';
  parts: Inline[];
}

export type Block = Paragraph | TableBlock | FigureBlock | PreBlock | HeadingBlock;

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

export interface ReportContent {
  title: Inline[];
  sections: Section[];
}

export const value = (
  v: number | string | null,
  src: string,
  key: Record<string, string | number | null>,
  col: string,
  format?: Value['format'],
): Value => ({ kind: 'value', value: v, src, key, col, ...(format ? { format } : {}) });

/** A string read from the run folder, shown as code (a metric name, a trial id). */
export const codeValue = (
  v: string | null,
  src: string,
  key: Record<string, string | number | null>,
  col: string,
): Value => ({
  ...value(v, src, key, col),
  style: 'code',
});

export const constant = (text: Constant['text']): Constant => ({ kind: 'const', text });
export const code = (text: string): Inline => ({ kind: 'code', text });
export const cite = (arxiv: string): Cite => {
  if (!ARXIV_ID.test(arxiv)) throw new Error(`not an arXiv id: ${arxiv}`);
  return { kind: 'cite', arxiv };
};
export const strong = (...parts: Inline[]): Inline => ({ kind: 'strong', parts });
export const para = (parts: Inline[], tone?: Paragraph['tone']): Paragraph => ({
  kind: 'paragraph',
  parts,
  ...(tone ? { tone } : {}),
});

/** Thrown when content would print a number that no query produced (a bug in the report code). */
export class UnsourcedNumberError extends Error {
  override readonly name = 'UnsourcedNumberError';
}

/**
 * A number as a reader sees one: digits not inside a word (`sha256`, `eigenvalue_3` and `x₀` are
 * names; `0.5`, `−3`, `t = 200`, `1e-4` hold numbers). Shared with the tests that scan the report.
 */
export const STANDALONE_NUMBER = /(?<![\p{L}\p{N}_.])[−-]?\d+(?:\.\d+)?(?:e[−+-]?\d+)?(?![\p{L}\p{N}_])/u;

/** Checks that plain text holds no number; returns it. */
export function checkPlain(text: string): string {
  if (STANDALONE_NUMBER.test(text)) {
    throw new UnsourcedNumberError(
      `report text holds a number that did not come from a query: ${JSON.stringify(text)}`,
    );
  }
  return text;
}
