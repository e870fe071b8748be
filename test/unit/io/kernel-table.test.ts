/**
 * The kernels table (src/tables/kernel-table.ts): snapshots → Arrow → Parquet bytes → Arrow →
 * snapshots gives back the kernels rounded to float32, with the documented column types and the
 * metadata kept; the atomic writer leaves no temporary file behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { OutputError } from '../../../src/errors.js';
import { writeFileAtomic } from '../../../src/io/atomic-write.js';
import {
  kernelTableToParquet,
  kernelTableToSnapshots,
  makeKernelTable,
  parquetToKernelTable,
} from '../../../src/tables/kernel-table.js';
import type { KernelSnapshot } from '../../../src/kernels-for-config.js';
import { makeMat } from '../../../src/linalg/mat.js';
import { makeRng } from '../../../src/rng.js';

function randomKernel(n: number, seed: number) {
  const rng = makeRng(seed, 'test');
  return makeMat(
    n,
    n,
    Array.from({ length: n * n }, () => rng.normal()),
  );
}

test('snapshots survive Arrow and Parquet (float32 values, int32 step and row, metadata)', () => {
  const snaps: KernelSnapshot[] = [
    { kind: 'analytic_ntk', step: 0, kernel: randomKernel(5, 1) },
    { kind: 'analytic_nngp', step: 0, kernel: randomKernel(5, 2) },
    { kind: 'empirical', step: 0, kernel: randomKernel(5, 3) },
    { kind: 'empirical', step: 250, kernel: randomKernel(5, 4) },
  ];
  const bytes = kernelTableToParquet(makeKernelTable(snaps, { 'ntk_sweep.test': 'yes' }));
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'PAR1');
  const table = parquetToKernelTable(bytes);
  assert.equal(table.numRows, 20);
  assert.equal(table.schema.metadata.get('ntk_sweep.test'), 'yes');
  assert.ok(
    arrow.DataType.isInt(table.schema.fields[1].type) && (table.schema.fields[1].type as arrow.Int).bitWidth === 32,
  );
  const back = kernelTableToSnapshots(table);
  assert.deepEqual(
    back.map((s) => [s.kind, s.step, s.kernel.rows, s.kernel.cols]),
    snaps.map((s) => [s.kind, s.step, 5, 5]),
  );
  back.forEach((s, k) => s.kernel.data.forEach((v, i) => assert.equal(v, Math.fround(snaps[k].kernel.data[i]))));
});

test('writeFileAtomic replaces the file and leaves nothing else; a missing folder is an OutputError', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-io-'));
  const f = path.join(dir, 'a.txt');
  writeFileAtomic(f, 'one');
  writeFileAtomic(f, 'two');
  assert.equal(readFileSync(f, 'utf8'), 'two');
  assert.deepEqual(readdirSync(dir), ['a.txt']);
  assert.throws(() => writeFileAtomic(path.join(dir, 'no', 'b.txt'), 'x'), OutputError);
  assert.deepEqual(readdirSync(dir), ['a.txt']);
});
