/**
 * Runs one compaction of a run folder in a process of its own, so that a test can SIGKILL it at
 * any point (and a benchmark can measure it alone): `tsx test/helpers/compact-child.ts RUN PART_TRIALS`.
 * Prints the result as JSON, with the wall time, the process's CPU time and its peak resident memory.
 */
import { compactRun } from '../../src/tables/compact.js';

const [runDir, partTrials] = process.argv.slice(2);
// Start-up is over: a test times its kill from this line.
process.stdout.write('ready\n');
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const result = await compactRun(runDir, { partTrials: Number(partTrials) });
const wallS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
process.stdout.write(
  `${JSON.stringify({ ...result, wallS, cpuS, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
