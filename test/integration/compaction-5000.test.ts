/**
 * A sweep of 5 000 trials (train.steps 0) through `ntk-sweep run` ends with a few part files per
 * table, compacted as the trials completed (docs/run-folder.md): every table holds each trial
 * exactly once, and DuckDB, pandas, polars and pyarrow read the folder with plain globs and group
 * by width without a join. The run folder lives on tmpfs when there is one (see continue-as-new).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { TRIAL_TABLES } from '../../src/tables/rows.js';
import { trialStates } from '../../src/tables/read.js';
import { runPython } from '../helpers/python.js';
import { fastTmp, runCli, workdirWith } from './helpers/cli.js';

const TRIALS = 5000;
/** Trials with rows in each table: `modes` holds rows only for trials with analytic kernels, off here. */
const WITH_ROWS: Record<string, number> = {
  curves: TRIALS,
  kernels: TRIALS,
  predictions: TRIALS,
  spectra: TRIALS,
  modes: 0,
  trials: TRIALS,
};
/** "At most a few dozen files per table." */
const MAX_FILES = 36;

interface Seen {
  tables: Record<
    string,
    { files: number; max_copies?: number } & Record<'duckdb' | 'pyarrow' | 'pandas' | 'polars', [number, number]>
  >;
  width: Record<string, Record<string, Record<string, number>>>;
}

describe('a sweep of 5 000 trials', () => {
  const { dir } = workdirWith('steps0-5000.yaml', fastTmp());
  const runDir = path.join(dir, 'runs', 'steps0-5000');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ends compacted: a few files per table, each trial once in every table, read by every library without a join', async (t) => {
    const r = await runCli(['run', 'steps0-5000.yaml', '--json'], { cwd: dir, timeoutMs: 1_200_000 });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.equal(result.status, 'completed');
    assert.equal(result.ok + result.diverged, TRIALS);
    assert.equal(result.compactError, undefined);

    const states = await trialStates(runDir);
    assert.equal([...states.values()].filter((s) => s === 'complete').length, TRIALS);

    const seen = runPython<Seen>('test/helpers/check-compacted-run.py', { run: runDir, tables: TRIAL_TABLES });
    t.diagnostic(`files per table: ${TRIAL_TABLES.map((table) => `${table} ${seen.tables[table].files}`).join(', ')}`);
    for (const table of TRIAL_TABLES) {
      const s = seen.tables[table];
      assert.ok(s.files <= MAX_FILES, `${table}: ${s.files} files`);
      for (const lib of ['duckdb', 'pyarrow', 'pandas', 'polars'] as const) {
        assert.equal(s[lib][1], WITH_ROWS[table], `${table} through ${lib}: distinct trials`);
      }
    }
    const trials = seen.tables.trials;
    for (const lib of ['duckdb', 'pyarrow', 'pandas', 'polars'] as const)
      assert.equal(trials[lib][0], TRIALS, `trials rows through ${lib}`);
    assert.equal(trials.max_copies, 1);
    // One curves row per trial (steps 0, log_every 1).
    assert.equal(seen.tables.curves.duckdb[0], TRIALS);

    // Group by width with no join: `trials` has a width column on every branch; the other tables
    // get theirs from the per-trial parameter columns (src/tables/schemas.ts), and every table that
    // has one is checked the same way.
    assert.ok(seen.width.trials, 'trials has a width column');
    for (const [table, byLib] of Object.entries(seen.width)) {
      for (const [lib, counts] of Object.entries(byLib))
        assert.deepStrictEqual(counts, { 8: TRIALS / 2, 16: TRIALS / 2 }, `${table} by width through ${lib}`);
    }
  });
});
