/**
 * The run folder's views (src/query/run-views.ts): which files make a table (hidden and temporary
 * files never), how paths reach SQL (quoted; listed file by file when they hold glob characters),
 * when hive partitioning is on, which views a statement needs, and files whose columns differ.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { aggregateRun, readSummary } from '../../../src/aggregate/index.js';
import { runSql } from '../../../src/query/run-sql.js';
import { RUN_TABLES, openRun, parquetSource, tableFiles, tablesNamedIn } from '../../../src/query/run-views.js';
import { removeTempFolders, tempFolder, writeStudy } from '../../helpers/width-study.js';

after(removeTempFolders);

test('a table is its visible .parquet files; temporary and hidden files are not', () => {
  const run = tempFolder('ntk-views-');
  mkdirSync(path.join(run, 'curves'));
  for (const f of ['b.parquet', 'a.parquet', '.a.parquet.123.abcd.tmp', '.hidden.parquet', 'notes.txt'])
    writeFileSync(path.join(run, 'curves', f), '');
  assert.deepEqual(tableFiles(run, 'curves'), ['a.parquet', 'b.parquet']);
  assert.deepEqual(tableFiles(run, 'trials'), []);
  assert.equal(parquetSource(run, 'trials'), undefined);
});

test('paths are SQL string literals; glob characters make a file list; partitions turn hive partitioning on', () => {
  const run = tempFolder("ntk-views-it's [odd]-");
  mkdirSync(path.join(run, 'trials'));
  writeFileSync(path.join(run, 'trials', 'x.parquet'), '');
  const src = parquetSource(run, 'trials')!;
  const file = path.join(run, 'trials', 'x.parquet').replaceAll("'", "''");
  assert.equal(src, `read_parquet(['${file}'], hive_partitioning = false, union_by_name = false)`);

  const plain = tempFolder('ntk-views-plain-');
  mkdirSync(path.join(plain, 'curves', 'width=64'), { recursive: true });
  writeFileSync(path.join(plain, 'curves', 'width=64', 'x.parquet'), '');
  assert.equal(
    parquetSource(plain, 'curves', true),
    `read_parquet('${path.join(plain, 'curves', '**/*.parquet')}', hive_partitioning = true, union_by_name = true)`,
  );
});

test('a statement gets views for the tables it names, or for all when it names none', () => {
  assert.deepEqual(tablesNamedIn('SELECT * FROM Curves c JOIN trials USING (trial_id)'), ['trials', 'curves']);
  assert.deepEqual(tablesNamedIn('SELECT count(*) FROM kernels_x'), [...RUN_TABLES]); // no whole-word table name
  assert.deepEqual(tablesNamedIn('SHOW TABLES'), [...RUN_TABLES]);
});

test('openRun refuses what is not a folder', async () => {
  const run = tempFolder('ntk-views-file-');
  writeFileSync(path.join(run, 'f'), '');
  await assert.rejects(openRun(path.join(run, 'f')), /not a folder/);
  await assert.rejects(openRun(path.join(run, 'missing')), /no such run folder/);
});

/** A run folder whose trials file `victim` (first or last by name) lacks final_test_loss, as an older writer would leave it. */
async function mixedRun(victim: 'first' | 'last'): Promise<{ run: string; n: number }> {
  const run = await writeStudy({ widths: [64, 256], seeds: [0, 1, 2] });
  const files = tableFiles(run, 'trials');
  const file = path.join(run, 'trials', victim === 'first' ? files[0] : files[files.length - 1]);
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  await c.run(
    `COPY (SELECT * EXCLUDE (final_test_loss) FROM read_parquet('${file}')) TO '${file}.new' (FORMAT parquet)`,
  );
  c.closeSync();
  instance.closeSync();
  renameSync(`${file}.new`, file);
  return { run, n: files.length };
}

for (const victim of ['first', 'last'] as const) {
  test(`files with different columns (the ${victim} lacks one) are read together, the missing values as NULL`, async () => {
    const { run, n } = await mixedRun(victim);
    const db = await openRun(run);
    try {
      assert.equal(db.unionByName, false);
      const r = await runSql(db, 'SELECT count(final_test_loss) AS k, count(*) AS n FROM trials');
      assert.deepEqual(r.rows[0].map(Number), [n - 1, n]);
      assert.equal(db.unionByName, true, 'the views were remade with union_by_name');
    } finally {
      db.close();
    }
    const agg = await aggregateRun(run);
    const rows = await readSummary(run, "metric = 'final_test_loss'");
    assert.equal(
      rows.reduce((k, r) => k + r.n, 0),
      n - 1,
    );
    assert.ok(agg.metrics.trials.includes('final_test_loss'));
  });
}
