/**
 * Every path of a run folder, in one place (docs/run-folder.md): folder and file names, the globs
 * readers use, and the generation folders behind the per-trial tables. Everything else derives its
 * paths from here.
 *
 *   RUN/manifest.json, RUN/config.yaml        what was launched (./manifest.ts, ./run-config.ts)
 *   RUN/<table>  → .tables/current/<table>     a symlink per per-trial table (trials, curves, …)
 *   RUN/.tables/current → g<N>                 the generation readers see; swapped by one rename
 *   RUN/.tables/g<N>/<table>/                  small files `<trial_id>.parquet` and part files
 *                                              `part-<N>-<k>.parquet` (./compact.ts)
 *   RUN/.tables/g<N>/.parts/part-<N>-<k>.json  the trial ids each part holds (hidden from readers)
 *   RUN/.tables/tmp/                           files being written, renamed into a generation
 *   RUN/.tables/lock                           held while a generation's entries change (a file)
 *   RUN/analytic/<analytic_id>.parquet         shared analytic rows (a plain folder, never compacted)
 *   RUN/summary/, RUN/fits/                    the aggregation's tables
 *   RUN/checkpoints/<trial_id>/                training checkpoints
 *   RUN/report/                                the report (index.html, report.md, figures/)
 *   RUN/.temporal/                             the embedded Temporal server's files
 */
import { readlinkSync } from 'node:fs';
import path from 'node:path';
import { TRIAL_TABLES, type TrialTableName } from './rows.js';

/** Extension of every table file. */
export const PARQUET = '.parquet';
/** What a reader globs inside a table folder (every folder is flat). */
export const TABLE_GLOB = `*${PARQUET}`;

export const MANIFEST_FILE = 'manifest.json';
export const CONFIG_FILE = 'config.yaml';
export const ANALYTIC_DIR = 'analytic';
export const SUMMARY_DIR = 'summary';
export const FITS_DIR = 'fits';
export const CHECKPOINTS_DIR = 'checkpoints';
/** The report (index.html, report.md, figures/), written by src/report. */
export const REPORT_DIR = 'report';
export const SERVER_DIR = '.temporal';
/** Hidden: the generations behind the per-trial tables. */
export const TABLES_DIR = '.tables';
const CURRENT = 'current';
const TMP = 'tmp';
const LOCK = 'lock';
const PARTS_INDEX_DIR = '.parts';
const GENERATION = /^g(\d{6,})$/;
const PART = /^part-\d{6,}-\d{4,}(-s\d+)?$/;

/** The aggregation's files. */
export const SUMMARY_FILE = `${SUMMARY_DIR}/summary${PARQUET}`;
export const FITS_FILE = `${FITS_DIR}/fits${PARQUET}`;

/** Per-trial tables other than `trials` (the completion marker), in the order they are written. */
export const SIBLING_TABLES = TRIAL_TABLES.filter((t) => t !== 'trials') as Exclude<TrialTableName, 'trials'>[];

/** RUN/<table>: for a per-trial table the symlink into the current generation. */
export function tablePath(runDir: string, table: string): string {
  return path.join(runDir, table);
}

/** RUN/<table>/<id>.parquet, through the table's symlink. */
export function idFile(runDir: string, table: string, id: string): string {
  return path.join(runDir, table, `${id}${PARQUET}`);
}

export const manifestFile = (runDir: string): string => path.join(runDir, MANIFEST_FILE);
export const configFile = (runDir: string): string => path.join(runDir, CONFIG_FILE);
export const checkpointsRoot = (runDir: string): string => path.join(runDir, CHECKPOINTS_DIR);
export const serverDir = (runDir: string): string => path.join(runDir, SERVER_DIR);
export const tablesRoot = (runDir: string): string => path.join(runDir, TABLES_DIR);
export const currentLink = (runDir: string): string => path.join(runDir, TABLES_DIR, CURRENT);
export const tmpDir = (runDir: string): string => path.join(runDir, TABLES_DIR, TMP);
export const lockFile = (runDir: string): string => path.join(runDir, TABLES_DIR, LOCK);

/** What a per-trial table's symlink points at (relative, so a copied folder keeps working). */
export const tableLinkTarget = (table: TrialTableName): string => path.join(TABLES_DIR, CURRENT, table);

/** The folder name of generation `n`. */
export const generationName = (n: number): string => `g${String(n).padStart(6, '0')}`;
export const generationDir = (runDir: string, n: number): string => path.join(runDir, TABLES_DIR, generationName(n));
/** The number of a generation folder's name, or undefined for another name. */
export function generationNumber(name: string): number | undefined {
  const m = GENERATION.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** A part's base name: `part-<generation>-<k>` (one per table, plus its index). */
export const partName = (generation: number, k: number): string =>
  `part-${String(generation).padStart(6, '0')}-${String(k).padStart(4, '0')}`;
export const isPartName = (base: string): boolean => PART.test(base);
export const partsIndexDir = (genDir: string): string => path.join(genDir, PARTS_INDEX_DIR);

/**
 * The generation readers see now, as a number (read once: a reader that resolves its paths through
 * {@link snapshotDir} keeps reading that generation), or undefined for a folder without generations
 * (a fresh folder, or one written before them: tables are plain folders).
 */
export function currentGeneration(runDir: string): number | undefined {
  try {
    // The base name: a copy made by a tool that turns relative links into absolute ones still names its generation.
    return generationNumber(path.basename(readlinkSync(currentLink(runDir))));
  } catch {
    return undefined;
  }
}

/**
 * The folder holding `table`'s files in the current generation, resolved once, so that a reader
 * listing it and opening its files later sees one generation throughout; RUN/<table> when the
 * folder has no generations (or for tables outside them: analytic, summary, fits).
 */
export function snapshotDir(runDir: string, table: string, generation = currentGeneration(runDir)): string {
  if (generation === undefined || !(TRIAL_TABLES as readonly string[]).includes(table)) return tablePath(runDir, table);
  return path.join(generationDir(runDir, generation), table);
}

/** Ids that are safe as file names: no separators, no leading dot, no `..`. */
const SAFE_ID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}$/;

/** Throws a RangeError when `id` could not be a file name in a table folder (a bug upstream, not a user error). */
export function checkId(what: string, id: string): void {
  if (typeof id !== 'string' || !SAFE_ID.test(id) || id.includes('..')) {
    throw new RangeError(`${what} ${JSON.stringify(id)} cannot name a file: use letters, digits, '_', '-', '.'`);
  }
}

/** True for the names of finished Parquet files (not hidden, ending in .parquet). */
export function isTableFileName(name: string): boolean {
  return name.endsWith(PARQUET) && !name.startsWith('.') && name.length > PARQUET.length;
}
