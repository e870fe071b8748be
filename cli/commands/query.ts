/**
 * `ntk-sweep query RUN_DIR "SQL" [--format table|csv|json|parquet] [--out FILE]`: one SQL
 * statement over the run folder's tables (DuckDB views named trials, curves, kernels, predictions,
 * spectra, modes, analytic, summary, fits; src/query/run-views.ts). Prints an aligned table by
 * default; CSV and JSON (an array of objects) go to stdout or --out; Parquet needs --out.
 * A statement DuckDB refuses prints DuckDB's message and exits 2. The database is read-only and
 * sandboxed to the run folder (src/query/sandbox.ts): statements that write, attach, install or
 * read files elsewhere are refused with a message saying to open the folder in DuckDB directly.
 */
import { once } from 'node:events';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkWritable, writeFileAtomic } from '../../src/io/atomic-write.js';
import { defineCommand } from '../command.js';
import { withJsonAlias, withRunDir } from '../flag-conventions.js';
import type { ExportFormat } from '../../src/query/index.js';
import { UsageError } from '../usage-error.js';

const FORMATS = ['table', 'csv', 'json', 'parquet'] as const;
type QueryFormat = (typeof FORMATS)[number];

interface QueryArgs {
  runDir: string;
  sql: string;
  format: QueryFormat;
  out?: string;
}

export const queryCommand = defineCommand<QueryArgs>({
  command: 'query <run-dir> <sql>',
  describe: 'run one SQL statement (DuckDB) over a run folder; its tables are views: trials, curves, kernels, …',
  examples: [
    ['$0 query runs/quickstart "SELECT width, avg(final_train_loss) FROM trials GROUP BY width"', 'an aligned table'],
    ['$0 query runs/quickstart "SELECT * FROM fits" --format csv --out fits.csv', 'CSV into a file'],
  ],
  flags: (y) =>
    withRunDir(withJsonAlias(y))
      .positional('sql', {
        type: 'string',
        describe: 'one SQL statement, e.g. "SELECT width, avg(final_train_loss) FROM trials GROUP BY width"',
        demandOption: true,
      })
      .option('format', { choices: FORMATS, default: 'table' as const, describe: 'output format' })
      .option('out', { type: 'string', describe: 'write to this file instead of stdout (required for parquet)' }),
  run: runQueryCommand,
});

async function writeStdout(file: string): Promise<void> {
  for await (const chunk of createReadStream(file)) {
    if (!process.stdout.write(chunk as Buffer)) await once(process.stdout, 'drain');
  }
}

/** The command's work; throws the typed errors that the CLI reports (cli/report-error.ts). */
export async function runQueryCommand(args: QueryArgs): Promise<void> {
  if (args.format === 'parquet' && !args.out) {
    throw new UsageError('ntk-sweep query: --format parquet needs --out FILE.parquet');
  }
  if (args.out) checkWritable(args.out);
  const { copyQuery, exportTempFile, formatTable, lockDown, openRun, runSql, tablesNamedIn } =
    await import('../../src/query/index.js');
  // Views only for the tables the statement names: making one reads the footer of every file of its table.
  const db = await openRun(args.runDir, { only: tablesNamedIn(args.sql) });
  // Where DuckDB writes an export: the one file outside the run folder it may touch.
  const dir = args.format !== 'table' && !args.out ? mkdtempSync(path.join(tmpdir(), 'ntk-query-')) : undefined;
  const exportFile = args.format === 'table' ? undefined : (args.out ?? path.join(dir!, `result.${args.format}`));
  const tmp = exportFile === undefined ? undefined : exportTempFile(exportFile);
  try {
    await lockDown(db, tmp === undefined ? [] : [tmp]);
    if (args.format === 'table') {
      const text = `${formatTable(await runSql(db, args.sql))}\n`;
      if (args.out) writeFileAtomic(args.out, text);
      else process.stdout.write(text);
      return;
    }
    const format: ExportFormat = args.format;
    await copyQuery(db, args.sql, format, exportFile!, tmp);
    if (!args.out) await writeStdout(exportFile!);
  } finally {
    db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
