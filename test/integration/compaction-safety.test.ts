/**
 * Compaction of a run folder (docs/run-folder.md, "Compaction" and "Generations"): readers with
 * plain globs never see a trial twice or miss a complete one while compactions run; a compaction
 * killed at any point leaves a folder that the repair makes whole without running a complete
 * trial again; planning on a compacted folder skips every complete trial and runs the others.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compactRun } from '../../src/tables/compact.js';
import { repairRunFolder } from '../../src/tables/generations.js';
import { checkTrial, readTable, trialStates } from '../../src/tables/read.js';
import { TRIAL_TABLES } from '../../src/tables/rows.js';
import { currentGeneration, tablesRoot } from '../../src/tables/run-folder.js';
import { writeFailedTrial, writeTrialTables } from '../../src/tables/write.js';
import { PYTHON, ROOT } from '../helpers/python.js';
import { tinyTrialTables } from '../helpers/synthetic-trial.js';

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const newRun = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'ntk-compact-'));
  made.push(d);
  return d;
};
const id = (prefix: string, i: number): string => `${prefix}${String(i).padStart(8, '0')}`;
const tiny = tinyTrialTables;

async function writeTrials(run: string, ids: string[]): Promise<void> {
  for (const t of ids) await writeTrialTables(run, tiny(t));
}

/** Every trial of `ids` once in every table (curves: one row each), and no other trial. */
async function assertEachOnce(run: string, ids: string[]): Promise<void> {
  const want = [...ids].sort();
  for (const table of TRIAL_TABLES) {
    const got = (await readTable(run, table)).getChild('trial_id')!.toArray() as string[];
    const distinct = [...new Set(got)].sort();
    assert.deepStrictEqual(distinct, want, `${table}: the trials present`);
    if (table === 'trials' || table === 'curves') assert.equal(got.length, want.length, `${table}: one row per trial`);
  }
  const states = await trialStates(run);
  assert.equal(states.size, want.length);
  for (const t of want) assert.equal(states.get(t), 'complete', t);
}

test('readers with plain globs (DuckDB, pyarrow) never see a trial twice or miss a complete one while compactions run', async (t) => {
  const run = newRun();
  const first = Array.from({ length: 120 }, (_, i) => id('r', i));
  await writeTrials(run, first);
  const stop = path.join(run, '..', `${path.basename(run)}.stop`);
  const reader = spawn(PYTHON, [path.join(ROOT, 'test/helpers/read-during-compaction.py')], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  reader.stdin.end(JSON.stringify({ run, stop, must: first, curves_per_trial: 1 }));
  let out = '';
  let err = '';
  reader.stdout.on('data', (d: Buffer) => (out += d.toString()));
  reader.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => reader.on('exit', resolve));

  // New trials written and compactions swapping generations while the reader reads; small parts
  // so that open parts are merged again (removed from the next generation) at every swap.
  const all = [...first];
  const before = currentGeneration(run)!;
  for (let round = 0; round < 8; round++) {
    const more = Array.from({ length: 15 }, (_, i) => id('s', round * 15 + i));
    await writeTrials(run, more);
    all.push(...more);
    const r = await compactRun(run, { partTrials: 80 });
    assert.equal(r.skipped, undefined, `round ${round}: ${r.skipped}`);
  }
  writeFileSync(stop, '');
  assert.equal(await exited, 0, err);
  rmSync(stop, { force: true });
  const summary = JSON.parse(out.trim().split('\n').pop()!) as {
    rounds: number;
    straddled: number;
    violations: string[];
  };
  t.diagnostic(
    `reader: ${summary.rounds} rounds, ${summary.straddled} scans straddled a swap (a file removed between listing and opening)`,
  );
  assert.deepStrictEqual(summary.violations, []);
  assert.ok(summary.rounds >= 3, `the reader read ${summary.rounds} times`);
  assert.ok(currentGeneration(run)! >= before + 8, 'every round swapped a generation');
  await assertEachOnce(run, all);
});

/** Runs the compaction in a child process and SIGKILLs it `afterMs` after its start-up (never when undefined). */
function compactInChild(run: string, partTrials: number, afterMs?: number): Promise<{ killed: boolean; ms: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/helpers/compact-child.ts'), run, String(partTrials)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    const before = out;
    out += d.toString();
    if (!before.includes('ready\n') && out.includes('ready\n')) {
      started = Date.now();
      if (afterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    }
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve({ killed: true, ms: Date.now() - started });
      else if (code === 0) resolve({ killed: false, ms: Date.now() - started });
      else reject(new Error(`compaction exited with ${code}: ${err}`));
    }),
  );
}

test('a compaction SIGKILLed at 20 random points leaves a folder the repair makes whole: every trial once, none to run again', async (t) => {
  const run = newRun();
  const all = Array.from({ length: 60 }, (_, i) => id('k', i));
  await writeTrials(run, all);
  // One whole run in a child: how long a compaction takes after start-up.
  const full = await compactInChild(run, 25);
  assert.equal(full.killed, false);
  let swappedBeforeKill = 0;
  for (let kill = 0; kill < 20; kill++) {
    const more = Array.from({ length: 6 }, (_, i) => id('m', kill * 6 + i));
    await writeTrials(run, more);
    all.push(...more);
    const generation = currentGeneration(run);
    const r = await compactInChild(run, 25, Math.floor(Math.random() * full.ms * 1.2));
    if (currentGeneration(run) !== generation) swappedBeforeKill++;
    await repairRunFolder(run);
    // What `resume` plans: nothing complete runs again.
    const toRun = all.filter((t) => checkTrial(run, t).state !== 'complete');
    assert.deepStrictEqual(toRun, [], `after kill ${kill} (${r.killed ? `killed at ${r.ms} ms` : 'finished'})`);
    await assertEachOnce(run, all);
    const leftovers = readdirSync(path.join(tablesRoot(run), 'tmp'));
    assert.deepStrictEqual(leftovers, [], 'the repair removed the temporary files');
    assert.ok(!existsSync(path.join(tablesRoot(run), 'lock')), 'no lock left');
  }
  // The last compaction, uninterrupted, leaves parts only.
  await compactRun(run, { partTrials: 25 });
  await assertEachOnce(run, all);
  assert.ok(readdirSync(path.join(run, 'trials')).every((n) => n.startsWith('part-')));
  t.diagnostic(`${swappedBeforeKill} of 20 killed compactions had swapped; a whole one took ${full.ms} ms`);
});

test('on a compacted folder every complete trial is skipped; one whose marker was deleted before compaction runs again, once', async () => {
  const run = newRun();
  const ids = Array.from({ length: 30 }, (_, i) => id('c', i));
  await writeTrials(run, ids);
  const lost = ids[7];
  rmSync(path.join(run, 'trials', `${lost}.parquet`));
  const r = await compactRun(run);
  assert.equal(r.compacted, 29);
  assert.deepStrictEqual(
    ids.filter((t) => checkTrial(run, t).state !== 'complete'),
    [lost],
  );
  // Its leftover siblings stay small files; running it again replaces them.
  assert.ok(existsSync(path.join(run, 'curves', `${lost}.parquet`)));
  await writeTrialTables(run, tiny(lost));
  await compactRun(run);
  await assertEachOnce(run, ids);
  // A compacted trial is complete: writing it again (a duplicate attempt) or recording it failed leaves one copy.
  await writeTrialTables(run, tiny(ids[0]));
  await writeFailedTrial(run, { ...tiny(ids[0]).trials, status: 'failed', error: 'a late duplicate attempt' });
  await assertEachOnce(run, ids);
});

test('a folder written before generations (plain table folders) is converted on first use and compacts', async () => {
  const run = newRun();
  const ids = Array.from({ length: 5 }, (_, i) => id('o', i));
  await writeTrials(run, ids);
  // Make it look like the old layout: plain folders, no .tables.
  const gen = path.join(tablesRoot(run), 'g000001');
  for (const t of TRIAL_TABLES) {
    rmSync(path.join(run, t));
    renameSync(path.join(gen, t), path.join(run, t));
  }
  rmSync(tablesRoot(run), { recursive: true });
  mkdirSync(path.join(run, 'summary'), { recursive: true });
  assert.equal(currentGeneration(run), undefined);
  await assertEachOnce(run, ids);
  await compactRun(run);
  assert.equal(currentGeneration(run), 2);
  await assertEachOnce(run, ids);
});
