/**
 * The run folder's views (src/query/run-views.ts): which files make a table (hidden and temporary
 * files never), how paths reach SQL (quoted; listed file by file when they hold glob characters),
 * when hive partitioning is on, and which views a statement needs.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RUN_TABLES, openRun, parquetSource, tableFiles, tablesNamedIn } from '../../src/query/run-views.js';
import { removeTempFolders, tempFolder } from '../helpers/width-study.js';

after(removeTempFolders);

test('a table is its visible .parquet files; temporary and hidden files are not', () => {
  const run = tempFolder('ntk-views-');
  mkdirSync(path.join(run, 'curves'));
  for (const f of ['b.parquet', 'a.parquet', '.a.parquet.123.abcd.tmp', '.hidden.parquet', 'notes.txt']) writeFileSync(path.join(run, 'curves', f), '');
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
  assert.equal(src, `read_parquet(['${file}'], hive_partitioning = false, union_by_name = true)`);

  const plain = tempFolder('ntk-views-plain-');
  mkdirSync(path.join(plain, 'curves', 'width=64'), { recursive: true });
  writeFileSync(path.join(plain, 'curves', 'width=64', 'x.parquet'), '');
  assert.equal(parquetSource(plain, 'curves'), `read_parquet('${path.join(plain, 'curves', '**/*.parquet')}', hive_partitioning = true, union_by_name = true)`);
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
