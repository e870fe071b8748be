/**
 * Which parts a compaction merges again (src/tables/compact.ts): a part under half of both of its
 * limits grows with the new trials; a part past half of its byte limit stays as it is, so later
 * compactions do not read and write it again. Every trial is in exactly one part either way.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compactRun } from '../../../src/tables/compact.js';
import { listPartIndexes, readPartIndex } from '../../../src/tables/parts-index.js';
import { TRIAL_TABLES } from '../../../src/tables/rows.js';
import { currentGeneration, generationDir, PARQUET } from '../../../src/tables/run-folder.js';
import { writeTrialTables } from '../../../src/tables/write.js';
import { tinyTrialTables } from '../../helpers/synthetic-trial.js';

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function folderWith(ids: string[]): Promise<string> {
  const run = mkdtempSync(path.join(tmpdir(), 'ntk-compact-parts-'));
  made.push(run);
  for (const id of ids) await writeTrialTables(run, tinyTrialTables(id));
  return run;
}

const ids = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(7, '0')}`);

/** The parts of the current generation, each with its trials and its largest table's bytes. */
function parts(run: string): { part: string; trials: string[]; largestTable: number }[] {
  const genDir = generationDir(run, currentGeneration(run)!);
  return listPartIndexes(genDir).map((part) => {
    const index = readPartIndex(genDir, part);
    const largestTable = Math.max(
      ...TRIAL_TABLES.map((t) =>
        (index.files[t] ?? []).reduce((a, n) => a + statSync(path.join(genDir, t, `${n}${PARQUET}`)).size, 0),
      ),
    );
    return { part, trials: index.trials.map(([id]) => id), largestTable };
  });
}

test('a part under half of its limits is merged with the next trials into one part', async () => {
  const run = await folderWith(ids('a', 4));
  await compactRun(run);
  const [first] = parts(run);
  for (const id of ids('b', 4)) await writeTrialTables(run, tinyTrialTables(id));
  const r = await compactRun(run, { partBytes: 64 * first.largestTable });
  assert.equal(r.compacted, 4);
  const now = parts(run);
  assert.equal(now.length, 1, 'one part holds all eight trials');
  assert.notEqual(now[0].part, first.part);
  assert.deepEqual(new Set(now[0].trials), new Set([...ids('a', 4), ...ids('b', 4)]));
});

test('a part past half of its byte limit is left as it is: the next trials go to a new part', async () => {
  const run = await folderWith(ids('c', 4));
  await compactRun(run);
  const [first] = parts(run);
  for (const id of ids('d', 4)) await writeTrialTables(run, tinyTrialTables(id));
  // The first part's largest table is just over half of this limit (its trials are far under theirs).
  const r = await compactRun(run, { partBytes: 2 * first.largestTable - 1 });
  assert.equal(r.compacted, 4);
  assert.ok(!r.parts.includes(first.part));
  const now = parts(run);
  assert.ok(
    now.some((p) => p.part === first.part && p.trials.length === 4),
    'the first part is kept as it was',
  );
  const all = now.flatMap((p) => p.trials);
  assert.equal(all.length, 8, 'every trial once');
  assert.deepEqual(new Set(all), new Set([...ids('c', 4), ...ids('d', 4)]));
});
