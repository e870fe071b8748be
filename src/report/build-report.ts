/**
 * Writes a run folder's report from its Parquet files alone (docs/design.md §10): RUN/report/index.html
 * (self-contained), RUN/report/report.md (the same tables), and RUN/report/figures/<id>.svg with
 * the Vega-Lite spec of each figure beside it (<id>.vl.json, to restyle a figure for a paper).
 *
 * The new report is written into a temporary folder inside the run folder and swapped into place,
 * so a reader sees the old report or the new one, never a mixture, and a failure leaves the old one.
 *
 * @example
 * await aggregateRun('runs/quickstart');
 * const r = await writeReport('runs/quickstart'); // r.html === 'runs/quickstart/report/index.html'
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { openRun, type RunDatabase } from '../query/run-views.js';
import type { ReportContent } from './content.js';
import { reportHtml } from './html.js';
import { reportMarkdown } from './markdown.js';
import { loadReportData } from './queries.js';
import type { ReportData } from './report-data.js';
import { buildContent } from './sections/index.js';
import { OutputError } from '../errors.js';
import { REPORT_DIR } from '../tables/run-folder.js';

export { REPORT_DIR };

export interface ReportResult {
  dir: string;
  html: string;
  markdown: string;
  /** SVG files written, one per figure. */
  figures: string[];
  /** What the report shows (for callers that print a summary, and for tests). */
  data: ReportData;
  content: ReportContent;
  /** Seconds spent reading (queries) and rendering (specs, SVG, HTML, Markdown). */
  timings: { query_s: number; render_s: number };
}

export interface ReportOptions {
  /** Use this open database instead of opening one on the run folder. */
  db?: RunDatabase;
}

function writeTree(dir: string, content: ReportContent, html: string, markdown: string): { figures: string[] } {
  const figures: string[] = [];
  mkdirSync(path.join(dir, 'figures'), { recursive: true });
  for (const s of content.sections) {
    for (const b of s.blocks) {
      if (b.kind !== 'figure') continue;
      const file = path.join(dir, 'figures', `${b.id}.svg`);
      writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n${b.svg}\n`);
      writeFileSync(path.join(dir, 'figures', `${b.id}.vl.json`), `${JSON.stringify(b.spec, null, 1)}\n`);
      figures.push(file);
    }
  }
  writeFileSync(path.join(dir, 'index.html'), html);
  writeFileSync(path.join(dir, 'report.md'), markdown);
  return { figures };
}

/** Replaces `dest` by `tmp` (both folders in the same parent). */
function swapInto(tmp: string, dest: string): void {
  const old = `${tmp}.old`;
  let moved = false;
  try {
    try {
      renameSync(dest, old);
      moved = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    renameSync(tmp, dest);
  } catch (e) {
    if (moved) renameSync(old, dest);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}

/** Reads the run folder, renders every figure and writes RUN/report/. Throws RunFolderError, OutputError. */
export async function writeReport(runDir: string, options: ReportOptions = {}): Promise<ReportResult> {
  const t0 = performance.now();
  const db = options.db ?? (await openRun(runDir));
  let data: ReportData;
  try {
    data = await loadReportData(db);
  } finally {
    if (!options.db) db.close();
  }
  const t1 = performance.now();
  const content = await buildContent(data);
  const html = reportHtml(content);
  const markdown = reportMarkdown(content);

  const dest = path.join(runDir, REPORT_DIR);
  const tmp = path.join(runDir, `.${REPORT_DIR}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let figures: string[];
  try {
    ({ figures } = writeTree(tmp, content, html, markdown));
    swapInto(tmp, dest);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw new OutputError(`cannot write the report in ${dest}: ${(e as Error).message}`);
  }
  const t2 = performance.now();
  return {
    dir: dest,
    html: path.join(dest, 'index.html'),
    markdown: path.join(dest, 'report.md'),
    figures: figures.map((f) => path.join(dest, path.relative(tmp, f))),
    data,
    content,
    timings: { query_s: (t1 - t0) / 1000, render_s: (t2 - t1) / 1000 },
  };
}
