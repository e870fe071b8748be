/**
 * The content checksum of every Parquet file (src/tables/parquet.ts): pyarrow and hashlib
 * recompute it independently from the file; a byte changed inside a data page — one that the
 * Parquet reader decodes without complaint into other values — makes the trial incomplete for
 * checkTrial (what planning a sweep, resume and a skipped trial use) and for the deep check, while
 * the footer check alone misses it; rewriting the trial restores it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  SIBLING_TABLES,
  analyticFile,
  checkTrial,
  parquetToArrow,
  trialFile,
  trialStates,
  writeTrialTables,
} from '../../../src/tables/index.js';
import { runPython } from '../../helpers/python.js';
import { syntheticTrialTables } from '../../helpers/synthetic-trial.js';

const run = mkdtempSync(path.join(tmpdir(), 'ntk-checksum-'));
const tables = syntheticTrialTables({ trialId: 'sum000000001', analyticId: 'an0000000001' });
await writeTrialTables(run, tables);
await writeTrialTables(run, syntheticTrialTables({ trialId: 'sum000000002', analyticId: 'an0000000001' }));

test('every file carries a content checksum that pyarrow and hashlib recompute from the file', () => {
  const files = [
    ...['trials', ...SIBLING_TABLES].map((t) => trialFile(run, t as never, 'sum000000001')),
    analyticFile(run, 'an0000000001'),
  ];
  const got = runPython<{ file: string; footer: string; recomputed: string; rows: number }[]>(
    'test/interop/parquet_checksum.py',
    { files },
  );
  for (const g of got) {
    assert.match(g.footer, /^[0-9a-f]{64}$/, g.file);
    assert.equal(g.recomputed, g.footer, g.file);
    assert.ok(g.rows > 0, g.file);
  }
});

test('a changed byte in a data page that still decodes is found by the checksum, and only that trial is to run again', async () => {
  const file = trialFile(run, 'kernels', 'sum000000001');
  const whole = readFileSync(file);
  const footerStart = whole.length - 8 - whole.readUInt32LE(whole.length - 8);
  // int64 columns (seed) decode as BigInt, which JSON cannot write: compare their decimal text.
  const asText = (bytes: Buffer): string =>
    JSON.stringify(parquetToArrow(bytes).toArray(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  const before = asText(whole);
  // The last bytes before the footer are compressed page data: find a flip the reader decodes silently.
  let silent: Buffer | undefined;
  for (let i = footerStart - 1; i > 4 && !silent; i--) {
    const b = Buffer.from(whole);
    b[i] ^= 0x01;
    try {
      if (asText(b) !== before) silent = b;
    } catch {
      // this flip breaks decoding: the old deep check would have found it too
    }
  }
  assert.ok(silent, 'a byte whose change the Parquet reader does not notice');
  writeFileSync(file, silent);

  assert.equal((await trialStates(run)).get('sum000000001'), 'complete', 'the footer check alone misses it');
  assert.deepEqual(checkTrial(run, 'sum000000001'), { state: 'incomplete' }, 'planning and resume see it');
  assert.deepEqual(
    checkTrial(run, 'sum000000002'),
    { state: 'complete', status: tables.trials.status },
    'the other trial is untouched',
  );
  const deep = await trialStates(run, { deep: true });
  assert.equal(deep.get('sum000000001'), 'incomplete');
  assert.equal(deep.get('sum000000002'), 'complete');

  await writeTrialTables(run, tables);
  assert.deepEqual(checkTrial(run, 'sum000000001'), { state: 'complete', status: tables.trials.status }, 'rewritten');
});

test('a damaged shared analytic file is written again by the next trial that needs it', async () => {
  const file = analyticFile(run, 'an0000000001');
  const b = Buffer.from(readFileSync(file));
  b[8] ^= 0x10;
  writeFileSync(file, b);
  assert.equal(checkTrial(run, 'sum000000002').state, 'incomplete');
  await writeTrialTables(run, syntheticTrialTables({ trialId: 'sum000000002', analyticId: 'an0000000001' }));
  assert.equal(checkTrial(run, 'sum000000002').state, 'complete');
  assert.notDeepEqual(readFileSync(file), b, 'replaced, not reused');
});
