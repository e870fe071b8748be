/**
 * Runs one compaction of a run folder in a process of its own, so that a test can SIGKILL it at
 * any point (and a benchmark can measure it alone): `tsx test/helpers/compact-child.ts RUN PART_TRIALS`.
 * Prints the result as JSON, with the wall time and the process's peak resident memory.
 */
import { compactRun } from '../../src/tables/compact.js';

const [runDir, partTrials] = process.argv.slice(2);
// Start-up is over: a test times its kill from this line.
process.stdout.write('ready\n');
const t0 = performance.now();
const result = await compactRun(runDir, { partTrials: Number(partTrials) });
const wallS = (performance.now() - t0) / 1000;
process.stdout.write(`${JSON.stringify({ ...result, wallS, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
