/**
 * A writer process for the concurrency test of test/unit/tables/tables.test.ts: writes (and rewrites)
 * synthetic trials into a run folder in a loop, so that another process can list the folder
 * while files are being written and renamed.
 * Usage: tsx test/helpers/write-trials-loop.ts RUN_DIR ROUNDS TRIALS
 */
import { writeFailedTrial, writeTrialTables } from '../../src/tables/write.js';
import { syntheticTrialTables } from './synthetic-trial.js';

const [runDir, roundsText, trialsText] = process.argv.slice(2);
const rounds = Number(roundsText);
const trials = Number(trialsText);
// Sizeable kernels so that each file takes a while to write: the reader has time to look.
const tables = Array.from({ length: trials }, (_, i) =>
  syntheticTrialTables({
    trialId: `loop${String(i).padStart(8, '0')}`,
    nTrain: 48,
    nTest: 16,
    snapshots: [0, 10, 20],
    analyticId: 'shared-analytic',
  }),
);
for (let r = 0; r < rounds; r++) {
  for (const [i, t] of tables.entries()) {
    // Every few rounds a trial fails and is later rewritten as ok: both paths run under the reader.
    if ((r + i) % 5 === 4) await writeFailedTrial(runDir, { ...t.trials, status: 'failed', error: 'round failure' });
    else await writeTrialTables(runDir, t);
  }
}
process.stdout.write('done\n');
