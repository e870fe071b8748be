/**
 * `ntk-sweep query` only reads the run folder (src/query/sandbox.ts), through the real executable:
 * statements that write (COPY … TO anywhere, the run folder's own trials/ included; CREATE;
 * EXPORT), reach other files (read_text, read_csv, glob, ATTACH) or change DuckDB (INSTALL, LOAD,
 * SET, PRAGMA) are refused with one message that says to open the folder in DuckDB directly, exit
 * 2, and the run folder's bytes are the same before and after. Reading the folder still works.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { listing, runCli } from './run-cli.js';
import { removeTempFolders, tempFolder, writeStudy } from '../helpers/width-study.js';

after(removeTempFolders);

const run = await writeStudy({ widths: [64, 256], seeds: [0, 1] });
const elsewhere = tempFolder('ntk-q-elsewhere-');

/** SHA-256 over every path (hidden ones included) and every file's bytes under `dir`. */
function folderHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      h.update(`${path.relative(dir, p)}\n`);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

const ESCAPES: { sql: string; why: RegExp; format?: string }[] = [
  {
    sql: `COPY trials TO '${path.join(run, 'trials', 'evil.parquet')}' (FORMAT parquet)`,
    why: /a COPY statement is refused/,
  },
  // Outside the folder DuckDB refuses the path while binding, before the statement type is known.
  {
    sql: `COPY (SELECT * FROM trials) TO '${path.join(elsewhere, 'out.csv')}'`,
    why: /a COPY statement is refused|Permission Error.*out\.csv/,
  },
  {
    sql: `SELECT * FROM read_text('/etc/hostname')`,
    why: /reads only files inside the run folder.*\n.*Permission Error.*\/etc\/hostname/,
  },
  {
    sql: `SELECT * FROM read_csv('/etc/passwd')`,
    why: /reads only files inside the run folder.*\n.*Permission Error.*\/etc\/passwd/,
  },
  { sql: `SELECT * FROM glob('/root/*')`, why: /reads only files inside the run folder.*\n.*Permission Error.*\/root/ },
  { sql: `SELECT * FROM read_text('${run}/../../../etc/hostname')`, why: /Permission Error/ },
  { sql: `ATTACH '${path.join(elsewhere, 'x.db')}' AS x`, why: /an? ATTACH statement is refused/ },
  { sql: `ATTACH '${path.join(run, 'x.db')}' AS x`, why: /an? ATTACH statement is refused/ },
  { sql: 'INSTALL httpfs', why: /an? INSTALL statement is refused/ },
  { sql: 'LOAD httpfs', why: /a LOAD statement is refused/ },
  { sql: "SELECT 1; COPY trials TO 'x.csv'", why: /expected one SQL statement, found 2/ },
  { sql: 'SET enable_external_access = true', why: /a SET statement is refused/ },
  { sql: 'PRAGMA threads = 1', why: /a PRAGMA statement is refused/ },
  { sql: 'CREATE TABLE t AS SELECT * FROM trials', why: /a CREATE statement is refused/ },
  // Binding EXPORT would create its folder: it must be refused before it is bound.
  { sql: `EXPORT DATABASE '${path.join(run, 'exp')}'`, why: /an? EXPORT statement is refused/ },
  { sql: 'EXPLAIN ANALYZE SELECT * FROM trials', why: /an? EXPLAIN statement is refused/ },
  // The same through the export path (COPY of the user's statement by the command itself).
  { sql: `SELECT * FROM read_text('/etc/hostname')`, why: /Permission Error/, format: 'csv' },
  {
    sql: `COPY trials TO '${path.join(run, 'trials', 'evil.parquet')}'`,
    why: /a COPY statement is refused/,
    format: 'json',
  },
];

test('each escape from the run folder is refused with a clear message, exit 2, and the folder is unchanged', () => {
  const before = folderHash(run);
  for (const { sql, why, format } of ESCAPES) {
    const r = runCli(['query', run, sql, ...(format ? ['--format', format] : [])]);
    assert.equal(r.status, 2, `${sql}: exit ${r.status}\n${r.stderr}`);
    assert.match(r.stderr, why, sql);
    if (!/one SQL statement/.test(r.stderr)) assert.match(r.stderr, /open the folder in DuckDB directly/, sql);
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
    assert.equal(r.stdout, '', sql);
  }
  assert.equal(folderHash(run), before, 'the run folder is byte for byte the same');
  assert.deepEqual(listing(elsewhere), [], 'nothing was written outside either');
  assert.ok(!existsSync(path.join(run, 'trials', 'evil.parquet')));
});

test('reads of the run folder still work: views, read_parquet of its files, SHOW, DESCRIBE, SUMMARIZE, PIVOT … IN, exports', () => {
  const before = folderHash(run);
  const n = runCli([
    'query',
    run,
    `SELECT count(*) AS n FROM read_parquet('${path.join(run, 'trials', '*.parquet')}')`,
    '--format',
    'csv',
  ]);
  assert.equal(n.status, 0, n.stderr);
  assert.equal(n.stdout, 'n\n4\n');
  for (const sql of [
    'SHOW TABLES',
    'DESCRIBE trials',
    'SUMMARIZE trials',
    'FROM trials SELECT width LIMIT 1',
    'PIVOT trials ON depth IN (2) USING count(*)',
  ]) {
    const r = runCli(['query', run, sql]);
    assert.equal(r.status, 0, `${sql}: ${r.stderr}`);
  }
  const out = path.join(elsewhere, 'widths.json');
  const j = runCli([
    'query',
    run,
    'SELECT DISTINCT width FROM trials ORDER BY width',
    '--format',
    'json',
    '--out',
    out,
  ]);
  assert.equal(j.status, 0, j.stderr);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), [{ width: 64 }, { width: 256 }]);
  assert.equal(folderHash(run), before);
});
