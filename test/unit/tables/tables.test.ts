/**
 * The run folder's tables (src/tables): every table survives Parquet with its declared types;
 * writing a trial twice leaves one copy; the completion check finds every truncation, corrupt
 * footers, misplaced files and missing siblings; failed trials follow their rule; and a reader
 * listing the folder while another process writes never sees a temporary or half-written file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { OutputError, RunFolderError } from '../../../src/errors.js';
import { writeFileAtomicAsync } from '../../../src/io/atomic-write.js';
import {
  SIBLING_TABLES,
  TABLE_NAMES,
  analyticFile,
  checkTrial,
  completeTrialIds,
  inspectParquetFile,
  isSiblingTable,
  readManifest,
  readTable,
  tableToRows,
  trialFile,
  trialStates,
  writeFailedTrial,
  writeManifest,
  writeTrialTables,
  type TableName,
  type TrialTables,
} from '../../../src/tables/index.js';
import { PARAMETER_COLUMNS } from '../../../src/config/parameters.js';
import { ROOT } from '../../helpers/python.js';
import { syntheticTrialTables, type SyntheticTrialOptions } from '../../helpers/synthetic-trial.js';
import { tmpDir } from '../../../src/tables/run-folder.js';

const newRun = (): string => mkdtempSync(path.join(tmpdir(), 'ntk-tables-'));

/** Every entry under `dir`, hidden ones included, as relative paths. */
/**
 * What a reader of the run folder sees (the table symlinks followed), plus any temporary file left
 * in RUN/.tables/tmp (listed as `.tmp/<name>`); the generation folders behind the symlinks are
 * not listed twice.
 */
function everything(dir: string): string[] {
  const visible = (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter(
    (f) => f.split(path.sep)[0] !== '.tables',
  );
  const tmp = existsSync(tmpDir(dir)) ? readdirSync(tmpDir(dir)).map((n) => `.tmp/${n}`) : [];
  return [...visible, ...tmp].sort();
}

/** The rows of `table` that `tables` holds as its files hold them (trials as one row; siblings with the trial's parameters). */
function rowsOf(tables: TrialTables, table: TableName): unknown[] {
  if (table === 'trials') return [tables.trials];
  if (!isSiblingTable(table)) return tables[table] as unknown[];
  const params = Object.fromEntries(PARAMETER_COLUMNS.map((c) => [c, tables.trials[c]]));
  return (tables[table] as object[]).map((r) => ({ ...r, ...params }));
}

/** A small trial: cheap to truncate at every byte. */
const tiny = (trialId: string, extra: Partial<SyntheticTrialOptions> = {}): TrialTables =>
  syntheticTrialTables({ trialId, nTrain: 2, nTest: 1, snapshots: [0], steps: 0, logEvery: 1, ranks: 1, ...extra });

test('every table round-trips through Parquet: the rows read back equal the rows written', async () => {
  const run = newRun();
  const written = [
    syntheticTrialTables({ trialId: 'trial0000001', seed: 1 }),
    syntheticTrialTables({ trialId: 'trial0000002', seed: 2, status: 'diverged' }),
    syntheticTrialTables({ trialId: 'trial0000003', seed: 3, analyticId: null }),
  ];
  for (const t of written) await writeTrialTables(run, t);
  for (const table of TABLE_NAMES) {
    const back = tableToRows(table, await readTable(run, table));
    const expected = written.flatMap((t) => rowsOf(t, table));
    assert.equal(back.length, expected.length, table);
    assert.ok(back.length > 0, `${table} has rows`);
    // Files are read in name order, which is the order written here; deepStrictEqual compares
    // typed arrays element-wise (float32 kernels stay float32) and treats NaN as equal to NaN.
    assert.deepStrictEqual(back, expected, table);
  }
  // The diverged trial's NaN loss is a NaN, not a null.
  const trials = tableToRows('trials', await readTable(run, 'trials'));
  assert.ok(Number.isNaN(trials[1].final_train_loss));
  assert.equal(trials[2].analytic_id, null);
});

test('the files carry the declared Arrow types and the schema metadata', async () => {
  const run = newRun();
  await writeTrialTables(run, syntheticTrialTables({ trialId: 'types000001' }));
  const trials = await readTable(run, 'trials');
  const typeOf = (t: arrow.Table, name: string): arrow.DataType => t.schema.fields.find((f) => f.name === name)!.type;
  assert.ok(arrow.DataType.isInt(typeOf(trials, 'seed')) && (typeOf(trials, 'seed') as arrow.Int).bitWidth === 64);
  assert.ok(arrow.DataType.isInt(typeOf(trials, 'width')) && (typeOf(trials, 'width') as arrow.Int).bitWidth === 32);
  const ts = typeOf(trials, 'started_at') as arrow.Timestamp;
  assert.ok(arrow.DataType.isTimestamp(ts) && ts.unit === arrow.TimeUnit.MILLISECOND && ts.timezone === 'UTC');
  const act = typeOf(trials, 'activation') as arrow.Dictionary;
  assert.ok(arrow.DataType.isDictionary(act) && arrow.DataType.isUtf8(act.dictionary) && act.indices.bitWidth === 32);
  const kernels = await readTable(run, 'kernels');
  const values = typeOf(kernels, 'values') as arrow.List;
  assert.ok(arrow.DataType.isList(values) && arrow.DataType.isFloat(values.valueType));
  assert.equal((values.valueType as arrow.Float).precision, arrow.Precision.SINGLE);
  const analytic = (await readTable(run, 'analytic')).schema.fields.find((f) => f.name === 'values')!
    .type as arrow.List;
  assert.equal((analytic.valueType as arrow.Float).precision, arrow.Precision.DOUBLE);
  // Nullable exactly where rows.ts allows null.
  const field = (name: string) => trials.schema.fields.find((f) => f.name === name)!;
  assert.equal(field('eta_crit').nullable, true);
  assert.equal(field('trial_id').nullable, false);
  // Each file's own metadata: version, table and the trial it belongs to.
  const check = inspectParquetFile(trialFile(run, 'kernels', 'types000001'));
  assert.ok(check.ok);
  assert.equal(check.metadata.get('ntk_sweep.table'), 'kernels');
  assert.equal(check.metadata.get('ntk_sweep.id'), 'types000001');
  assert.match(check.metadata.get('ntk_sweep.version') ?? '', /^\d+\.\d+\.\d+/);
});

test('every per-trial table holds the trial parameter columns after trial_id, the same in every file whatever the grid', async () => {
  const run = newRun();
  const a = syntheticTrialTables({ trialId: 'params00001' });
  const b = syntheticTrialTables({ trialId: 'params00002' });
  b.trials = { ...b.trials, width: 128, activation: 'erf', target_freq: 3 };
  await writeTrialTables(run, a);
  await writeTrialTables(run, b);
  for (const table of SIBLING_TABLES) {
    const data = await readTable(run, table);
    const names = data.schema.fields.map((f) => String(f.name));
    assert.deepStrictEqual(names.slice(0, 1 + PARAMETER_COLUMNS.length), ['trial_id', ...PARAMETER_COLUMNS], table);
    assert.ok(
      arrow.DataType.isDictionary(data.schema.fields.find((f) => f.name === 'activation')!.type),
      `${table}.activation is dictionary-encoded`,
    );
    // Grouping by a parameter needs no join with trials.
    const byWidth = new Map<number, Set<string>>();
    for (const r of tableToRows(table, data) as {
      width: number;
      trial_id: string;
      activation: string;
      target_freq: number | null;
    }[]) {
      byWidth.set(r.width, (byWidth.get(r.width) ?? new Set()).add(`${r.trial_id}/${r.activation}/${r.target_freq}`));
    }
    assert.deepStrictEqual(
      [...byWidth].map(([w, s]) => [w, [...s]]),
      [
        [64, ['params00001/relu/null']],
        [128, ['params00002/erf/3']],
      ],
      table,
    );
  }
});

test('writing the same trial twice leaves one file per table, with identical bytes, and nothing else', async () => {
  const run = newRun();
  const t = syntheticTrialTables({ trialId: 'twice000001' });
  await writeTrialTables(run, t);
  const first = everything(run);
  const bytes = (rel: string) => readFileSync(path.join(run, rel));
  const firstBytes = first.filter((f) => f.endsWith('.parquet')).map(bytes);
  await writeTrialTables(run, t);
  const second = everything(run);
  assert.deepStrictEqual(second, first);
  assert.deepStrictEqual(
    first.filter((f) => f.endsWith('.parquet')),
    [
      ...TABLE_NAMES.filter((n) => n !== 'analytic').map((n) => `${n}/twice000001.parquet`),
      `analytic/a-twice000001.parquet`,
    ].sort(),
  );
  assert.ok(!second.some((f) => path.basename(f).startsWith('.')), `no temporary file left: ${second.join(', ')}`);
  second.filter((f) => f.endsWith('.parquet')).forEach((f, i) => assert.ok(bytes(f).equals(firstBytes[i]), f));
  assert.deepStrictEqual(await trialStates(run), new Map([['twice000001', 'complete']]));
  assert.equal((await readTable(run, 'curves')).numRows, t.curves.length);
});

test('a trial with any of its files truncated at any byte is incomplete', async () => {
  const run = newRun();
  await writeTrialTables(run, tiny('trunc000001'));
  assert.deepStrictEqual(await completeTrialIds(run), new Set(['trunc000001']));
  const files = [
    ...TABLE_NAMES.filter((n) => n !== 'analytic').map((n) => trialFile(run, n as never, 'trunc000001')),
    analyticFile(run, 'a-trunc000001'),
  ];
  let checked = 0;
  for (const file of files) {
    const whole = readFileSync(file);
    // Shortening in place, longest first (rewriting a file from empty makes ext4 flush it: slow).
    for (let k = whole.length - 1; k >= 0; k--) {
      truncateSync(file, k);
      // trialStates' own per-trial check at its own level, without listing the folders each time.
      const { state } = checkTrial(run, 'trunc000001', { level: 'footer' });
      if (state !== 'incomplete')
        assert.fail(`${path.relative(run, file)} truncated to ${k} of ${whole.length} bytes: ${state}`);
      checked++;
    }
    writeFileSync(file, whole);
    assert.equal((await trialStates(run)).get('trunc000001'), 'complete', 'restored');
  }
  assert.ok(checked > 10_000, `checked ${checked} truncations`);
});

test('corrupt footers, misplaced files and missing siblings make a trial incomplete; data corruption needs { deep: true }', async () => {
  const run = newRun();
  await writeTrialTables(run, tiny('good00000001', { analyticId: 'shared' }));
  await writeTrialTables(run, tiny('other0000001', { analyticId: 'shared' }));
  const expectState = async (state: string, why: string, deep = false) =>
    assert.equal((await trialStates(run, { deep })).get('good00000001'), state, why);
  const curves = trialFile(run, 'curves', 'good00000001');
  const whole = readFileSync(curves);
  const footerLength = whole.readUInt32LE(whole.length - 8);
  const footerStart = whole.length - 8 - footerLength;
  const damaged = (f: (b: Buffer) => void): Buffer => {
    const b = Buffer.from(whole);
    f(b);
    return b;
  };
  const cases: [string, Buffer][] = [
    ['leading magic overwritten', damaged((b) => b.write('XXXX', 0))],
    ['trailing magic overwritten', damaged((b) => b.write('XXXX', b.length - 4))],
    ['footer length too large', damaged((b) => b.writeUInt32LE(b.length, b.length - 8))],
    ['footer start zeroed', damaged((b) => b.fill(0, footerStart, footerStart + 32))],
    ['footer zeroed', damaged((b) => b.fill(0, footerStart, b.length - 8))],
    ['empty file', Buffer.alloc(0)],
    [
      'garbage ending in PAR1',
      Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(100, 7), Buffer.from([16, 0, 0, 0]), Buffer.from('PAR1')]),
    ],
  ];
  for (const [why, bytes] of cases) {
    writeFileSync(curves, bytes);
    await expectState('incomplete', why);
  }
  writeFileSync(curves, whole);
  await expectState('complete', 'restored');

  // A valid Parquet file of the wrong trial or the wrong table, renamed into place.
  copyFileSync(trialFile(run, 'curves', 'other0000001'), curves);
  await expectState('incomplete', 'curves of another trial');
  copyFileSync(trialFile(run, 'modes', 'good00000001'), curves);
  await expectState('incomplete', 'modes file under curves');
  writeFileSync(curves, whole);

  for (const sibling of SIBLING_TABLES) {
    const f = trialFile(run, sibling, 'good00000001');
    const keep = readFileSync(f);
    rmSync(f);
    await expectState('incomplete', `${sibling} missing`);
    writeFileSync(f, keep);
  }
  const analytic = analyticFile(run, 'shared');
  const keepAnalytic = readFileSync(analytic);
  writeFileSync(analytic, keepAnalytic.subarray(0, keepAnalytic.length - 1));
  assert.deepStrictEqual(
    await trialStates(run),
    new Map([
      ['good00000001', 'incomplete'],
      ['other0000001', 'incomplete'],
    ]),
    'shared analytic file truncated',
  );
  writeFileSync(analytic, keepAnalytic);
  rmSync(trialFile(run, 'trials', 'good00000001'));
  await expectState('incomplete', 'siblings without the trials file');
  await writeTrialTables(run, tiny('good00000001', { analyticId: 'shared' }));
  await expectState('complete', 'rewritten');

  // Zeroed data pages leave the footer intact: only reading the data finds them.
  const dataZeroed = damaged((b) => b.fill(0, 4, footerStart));
  writeFileSync(curves, dataZeroed);
  await expectState('complete', 'footer check alone does not read data pages');
  await expectState('incomplete', 'deep check reads them', true);
});

test('a failed trial: failed whatever siblings an earlier attempt left, stale rows removed, a later success completes it', async () => {
  const run = newRun();
  const ok = tiny('fail0000001');
  await writeTrialTables(run, ok);
  await writeFailedTrial(run, { ...ok.trials, status: 'failed', error: 'out of memory' });
  assert.deepStrictEqual(await trialStates(run), new Map([['fail0000001', 'failed']]));
  assert.deepStrictEqual(await completeTrialIds(run), new Set());
  for (const t of SIBLING_TABLES)
    assert.ok(!existsSync(trialFile(run, t, 'fail0000001')), `${t} of the earlier attempt removed`);
  assert.ok(existsSync(analyticFile(run, 'a-fail0000001')), 'the shared analytic file stays');
  const [row] = tableToRows('trials', await readTable(run, 'trials'));
  assert.equal(row.status, 'failed');
  assert.equal(row.error, 'out of memory');
  assert.equal((await readTable(run, 'curves')).numRows, 0);

  // Siblings appearing beside a failed marker (from a writer of another attempt) do not change the verdict.
  await writeTrialTables(run, ok);
  await writeFailedTrial(run, { ...ok.trials, status: 'failed', error: 'again' });
  copyFileSync(trialFile(run, 'trials', 'fail0000001'), path.join(run, 'keep.parquet'));
  await writeTrialTables(run, ok);
  copyFileSync(path.join(run, 'keep.parquet'), trialFile(run, 'trials', 'fail0000001'));
  assert.equal((await trialStates(run)).get('fail0000001'), 'failed');

  await writeTrialTables(run, ok);
  assert.deepStrictEqual(await trialStates(run), new Map([['fail0000001', 'complete']]));
  await assert.rejects(writeFailedTrial(run, ok.trials), RangeError, 'status must be failed');
  await assert.rejects(writeTrialTables(run, { ...ok, trials: { ...ok.trials, status: 'failed' } }), RangeError);
});

test('checkTrial gives one trial the verdict trialStates gives it, reading only its files', async () => {
  const run = newRun();
  assert.deepStrictEqual(checkTrial(run, 'single00001'), { state: 'absent' });
  const t = tiny('single00001', { status: 'diverged' });
  await writeTrialTables(run, t);
  assert.deepStrictEqual(checkTrial(run, 'single00001'), { state: 'complete', status: 'diverged' });
  rmSync(trialFile(run, 'spectra', 'single00001'));
  assert.deepStrictEqual(checkTrial(run, 'single00001'), { state: 'incomplete' });
  rmSync(trialFile(run, 'trials', 'single00001'));
  assert.deepStrictEqual(checkTrial(run, 'single00001'), { state: 'incomplete' }, 'siblings without the marker');
  await writeFailedTrial(run, { ...t.trials, status: 'failed' });
  assert.deepStrictEqual(checkTrial(run, 'single00001'), { state: 'failed' });
  assert.equal((await trialStates(run)).get('single00001'), 'failed');
});

test('the analytic file is written once per analytic_id and replaced only when invalid', async () => {
  const run = newRun();
  const a = syntheticTrialTables({ trialId: 'shareA000001', analyticId: 'an0000000001', seed: 1 });
  const b = syntheticTrialTables({ trialId: 'shareB000001', analyticId: 'an0000000001', seed: 2 });
  await writeTrialTables(run, a);
  const file = analyticFile(run, 'an0000000001');
  const firstBytes = readFileSync(file);
  await writeTrialTables(run, b);
  assert.ok(readFileSync(file).equals(firstBytes), 'a valid analytic file is left as it is');
  await writeTrialTables(run, { ...b, analytic: [] });
  assert.deepStrictEqual(
    await completeTrialIds(run),
    new Set(['shareA000001', 'shareB000001']),
    'rows may be omitted once the file exists',
  );
  writeFileSync(file, firstBytes.subarray(0, 100));
  await writeTrialTables(run, b);
  assert.deepStrictEqual(
    tableToRows('analytic', await readTable(run, 'analytic')),
    b.analytic,
    'a truncated file is rewritten',
  );
  rmSync(file);
  await assert.rejects(
    writeTrialTables(run, { ...a, analytic: [] }),
    /analytic rows of an0000000001 are neither given nor in/,
  );
});

test('rows that do not fit the schema or the trial are refused before anything is written', async () => {
  const run = newRun();
  const t = syntheticTrialTables({ trialId: 'bad00000001' });
  const cases: [string, TrialTables, RegExp][] = [
    [
      'fractional int32',
      { ...t, curves: [{ ...t.curves[0], step: 1.5 }] },
      /curves\.step row 0: expected an int32, found 1\.5/,
    ],
    ['int32 overflow', { ...t, trials: { ...t.trials, width: 2 ** 31 } }, /trials\.width row 0: expected an int32/],
    ['unsafe int64', { ...t, trials: { ...t.trials, seed: 2 ** 60 } }, /trials\.seed row 0: expected a safe integer/],
    [
      'null in a non-null column',
      { ...t, curves: [{ ...t.curves[0], train_loss: null as unknown as number }] },
      /curves\.train_loss row 0: expected a non-null/,
    ],
    [
      'string where a number goes',
      { ...t, spectra: [{ ...t.spectra[0], eigenvalue: '1' as unknown as number }] },
      /spectra\.eigenvalue row 0: expected a number/,
    ],
    [
      'invalid date',
      { ...t, trials: { ...t.trials, started_at: new Date(Number.NaN) } },
      /trials\.started_at row 0: expected a valid Date/,
    ],
    [
      'row of another trial',
      { ...t, modes: [{ ...t.modes[0], trial_id: 'someoneelse' }] },
      /modes row 0 has trial_id someoneelse, not bad00000001/,
    ],
    [
      'trial id escaping the folder',
      { ...t, trials: { ...t.trials, trial_id: '../escape' } },
      /trial_id "\.\.\/escape" cannot name a file/,
    ],
    ['hidden trial id', { ...t, trials: { ...t.trials, trial_id: '.hidden' } }, /cannot name a file/],
  ];
  for (const [why, tables, message] of cases) {
    await assert.rejects(writeTrialTables(run, tables), message, why);
  }
  assert.deepStrictEqual(everything(run), [], 'nothing written');
  assert.ok(!existsSync(path.join(path.dirname(run), 'escape.parquet')));
});

test('a folder that cannot be written is an OutputError, with no temporary file and no marker left', async () => {
  const run = newRun();
  writeFileSync(path.join(run, 'kernels'), 'a file where the kernels folder goes');
  await assert.rejects(
    writeTrialTables(run, tiny('blocked0001')),
    (e: unknown) => e instanceof OutputError && /kernels: a file is in the way/.test(e.message),
  );
  assert.ok(!existsSync(trialFile(run, 'trials', 'blocked0001')));
  assert.ok(!everything(run).some((f) => path.basename(f).startsWith('.')));
  const missing = path.join(run, 'no', 'such', 'x.parquet');
  await assert.rejects(
    writeFileAtomicAsync(missing, 'x'),
    (e: unknown) => e instanceof OutputError && /does not exist/.test(e.message),
  );
});

test('a reader listing the folder while another process writes never sees a temporary or half-written file', async () => {
  const run = newRun();
  const rounds = 6;
  const trials = 6;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/helpers/write-trials-loop.ts'), run, String(rounds), String(trials)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => (running = false));

  let listings = 0;
  let tempSightings = 0;
  let completeSeen = 0;
  while (running) {
    // Temporary files live in RUN/.tables/tmp until they are renamed into a table folder.
    if (existsSync(tmpDir(run))) tempSightings += readdirSync(tmpDir(run)).length;
    // What a `*.parquet` glob or pandas (which skips hidden files) would read, checked file by file.
    for (const table of TABLE_NAMES) {
      const dir = path.join(run, table);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        if (name.startsWith('.')) {
          tempSightings++;
          assert.ok(!name.endsWith('.parquet'), `temporary name ${name} would match *.parquet`);
          continue;
        }
        assert.ok(name.endsWith('.parquet'), `unexpected file ${table}/${name}`);
        const check = inspectParquetFile(path.join(dir, name));
        // A file can vanish between readdir and open (a failed trial's siblings are removed); it is never partial.
        if (!check.ok) assert.equal(check.reason, 'missing', `${table}/${name} seen half-written: ${check.reason}`);
      }
    }
    const states = await trialStates(run);
    for (const [id, state] of states) {
      assert.match(id, /^loop\d{8}$/, `listed id ${id}`);
      if (state === 'complete') completeSeen++;
    }
    listings++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(await exited, 0, stderr);
  assert.ok(listings > 20, `listed ${listings} times while the writer ran`);
  // The race was real: temporary files existed while the reader looked, and it never counted them.
  assert.ok(tempSightings > 0, 'the reader looked while files were being written');
  assert.ok(completeSeen > 0);
  const final = await trialStates(run);
  assert.equal(final.size, trials);
  for (const [id, state] of final) {
    const i = Number(id.slice(4));
    assert.equal(state, (rounds - 1 + i) % 5 === 4 ? 'failed' : 'complete', id);
  }
  assert.ok(!everything(run).some((f) => path.basename(f).startsWith('.')), 'no temporary file left');
});

test('manifest.json round-trips; a missing or malformed one is a RunFolderError', async () => {
  const run = path.join(newRun(), 'nested', 'run');
  const written = await writeManifest(run, {
    sweep_id: 'relu-width-0123abcd',
    config_hash: 'f'.repeat(64),
    trial_count: 42,
    config: { name: 'relu-width', grid: { width: [64, 128] }, train: { steps: 100, log_every: 10 } },
    created_at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
  });
  assert.equal(written.created_at, '2026-01-02T03:04:05.000Z');
  assert.equal(written.versions.node, process.versions.node);
  assert.match(written.versions.apache_arrow ?? '', /^\d+\./);
  assert.match(written.versions.parquet_wasm ?? '', /^\d+\./);
  assert.match(written.versions.tfjs ?? '', /^\d+\./);
  assert.deepStrictEqual(await readManifest(run), written);
  assert.deepStrictEqual(readdirSync(run), ['manifest.json']);

  await assert.rejects(
    readManifest(path.join(run, 'nope')),
    (e: unknown) => e instanceof RunFolderError && /has no manifest\.json/.test(e.message),
  );
  writeFileSync(path.join(run, 'manifest.json'), '{"sweep_id": ');
  await assert.rejects(
    readManifest(run),
    (e: unknown) => e instanceof RunFolderError && /not valid JSON/.test(e.message),
  );
  writeFileSync(path.join(run, 'manifest.json'), JSON.stringify({ ...written, trial_count: -1 }));
  await assert.rejects(readManifest(run), (e: unknown) => e instanceof RunFolderError && /trial_count/.test(e.message));
  assert.ok(statSync(path.join(run, 'manifest.json')).isFile());
});
