/**
 * Runs one compaction of a run folder in a process of its own, so that a test can SIGKILL it at
 * any point: `tsx test/helpers/compact-child.ts RUN PART_TRIALS`. Prints the result as JSON.
 */
import { compactRun } from '../../src/tables/compact.js';

const [runDir, partTrials] = process.argv.slice(2);
const result = await compactRun(runDir, { partTrials: Number(partTrials) });
process.stdout.write(`${JSON.stringify(result)}\n`);
