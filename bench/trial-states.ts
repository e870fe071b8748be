/**
 * Listing a run folder for resuming: `trialStates` over 10 000 trials (set NTK_BENCH_TRIALS for
 * another count). The folder is made once per run under the system temp folder with realistic
 * footers (every table of a small trial, the 41-column `trials` schema included); the files are
 * encoded by src/tables but written without the atomic writer's fsyncs, which would only slow
 * the setup. Goal: 10 000 trials listed in seconds.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTable } from '../src/tables/arrow-rows.js';
import { analyticFile, trialFile } from '../src/tables/layout.js';
import { arrowToParquet } from '../src/tables/parquet.js';
import { completeTrialIds, trialStates } from '../src/tables/read.js';
import { TRIAL_TABLES } from '../src/tables/rows.js';
import { META } from '../src/tables/schemas.js';
import { syntheticTrialTables } from '../test/helpers/synthetic-trial.js';

export async function run(): Promise<void> {
  const n = Number(process.env.NTK_BENCH_TRIALS ?? 10_000);
  const runDir = mkdtempSync(path.join(tmpdir(), 'ntk-bench-states-'));
  try {
    for (const t of [...TRIAL_TABLES, 'analytic']) mkdirSync(path.join(runDir, t));
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const id = `bench${String(i).padStart(7, '0')}`;
      // 20 analytic configs shared by the trials, as in a sweep over widths and seeds.
      const aid = `an${String(i % 20).padStart(4, '0')}`;
      const t = syntheticTrialTables({
        trialId: id,
        nTrain: 4,
        nTest: 2,
        snapshots: [0, 10],
        steps: 10,
        logEvery: 5,
        ranks: 2,
        analyticId: aid,
      });
      for (const table of TRIAL_TABLES) {
        const rows = table === 'trials' ? [t.trials] : t[table];
        const meta: Record<string, string> = { [META.id]: id };
        if (table === 'trials') Object.assign(meta, { [META.status]: t.trials.status, [META.analyticId]: aid });
        writeFileSync(trialFile(runDir, table, id), arrowToParquet(makeTable(table, rows as never, meta)));
      }
      if (i < 20)
        writeFileSync(analyticFile(runDir, aid), arrowToParquet(makeTable('analytic', t.analytic, { [META.id]: aid })));
    }
    console.log(
      `made ${n} trials (${n * TRIAL_TABLES.length + 20} files) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    console.log('\n| pass | trialStates (s) | per trial (µs) | complete |');
    console.log('|---|---:|---:|---:|');
    for (const pass of ['first (page cache warm from writing)', 'second']) {
      const s0 = performance.now();
      const states = await trialStates(runDir);
      const s = (performance.now() - s0) / 1000;
      const complete = [...states.values()].filter((v) => v === 'complete').length;
      console.log(`| ${pass} | ${s.toFixed(2)} | ${((s * 1e6) / n).toFixed(0)} | ${complete} |`);
      if (complete !== n) throw new Error(`expected ${n} complete trials, found ${complete}`);
    }
    const c0 = performance.now();
    const ids = await completeTrialIds(runDir);
    console.log(`\ncompleteTrialIds: ${ids.size} ids in ${((performance.now() - c0) / 1000).toFixed(2)} s`);
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await run();
