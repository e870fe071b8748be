/**
 * The run-folder module's paths (src/tables/run-folder.ts): per-trial tables are relative symlinks
 * into the current generation, so a copied or moved run folder reads the same; a reader that
 * resolved a generation keeps reading it after a compaction swaps another in.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openRun } from '../../../src/query/run-views.js';
import { compactRun } from '../../../src/tables/compact.js';
import { readTable } from '../../../src/tables/read.js';
import { TRIAL_TABLES } from '../../../src/tables/rows.js';
import { currentGeneration, currentLink, snapshotDir, tableLinkTarget } from '../../../src/tables/run-folder.js';
import { writeTrialTables } from '../../../src/tables/write.js';
import { tinyTrialTables } from '../../helpers/synthetic-trial.js';

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = (prefix: string): string => {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(d);
  return d;
};

const tiny = tinyTrialTables;

test('a run folder copied and moved elsewhere reads the same trials: its symlinks are relative', async () => {
  const run = temp('ntk-folder-');
  for (const id of ['f00000001', 'f00000002', 'f00000003']) await writeTrialTables(run, tiny(id));
  await compactRun(run);
  for (const t of TRIAL_TABLES) assert.equal(readlinkSync(path.join(run, t)), tableLinkTarget(t));
  assert.ok(!path.isAbsolute(readlinkSync(currentLink(run))));
  const copy = path.join(temp('ntk-folder-copy-'), 'moved');
  cpSync(run, `${copy}.tmp`, { recursive: true, verbatimSymlinks: true });
  renameSync(`${copy}.tmp`, copy);
  assert.equal((await readTable(copy, 'trials')).numRows, 3);
  const db = await openRun(copy);
  try {
    const n = (await db.connection.runAndReadAll('SELECT count(DISTINCT trial_id) FROM curves')).getRows()[0][0];
    assert.equal(Number(n), 3);
  } finally {
    db.close();
  }
});

test('a reader that resolved a generation keeps reading it while a compaction swaps the next one in', async () => {
  const run = temp('ntk-folder-');
  for (const id of ['g00000001', 'g00000002']) await writeTrialTables(run, tiny(id));
  const db = await openRun(run);
  try {
    const before = currentGeneration(run)!;
    await compactRun(run);
    assert.equal(currentGeneration(run), before + 1);
    // The views name the files of the generation current when they were made; those still exist.
    const n = (await db.connection.runAndReadAll('SELECT count(*) FROM trials')).getRows()[0][0];
    assert.equal(Number(n), 2);
    assert.notEqual(snapshotDir(run, 'trials', before), snapshotDir(run, 'trials'));
  } finally {
    db.close();
  }
});
