/**
 * Compaction as a sweep runs it (src/tables/compact.ts, workflows/sweep.ts): after every 1 000
 * completed trials (NTK_BENCH_EVERY) one compaction in a process of its own, for NTK_BENCH_TRIALS
 * trials in all (default 10 000), on the synthetic trials of bench/tables.ts (1 000 curve rows
 * each, the real writer). Per compaction: wall and CPU time, the process's peak resident memory,
 * bytes read and written (an open part is read again until it holds half of its 5 000 trials),
 * and the files per table afterwards. The question it answers: does a compaction cost the same at
 * trial 100 000 as at trial 1 000 (time per trial flat, memory bounded by the part size)?
 * Writing the trials is not timed here (bench/tables.ts times it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TRIAL_TABLES } from '../src/tables/rows.js';
import { compactInChild, gridPoints, writeRun } from './tables.js';
import { loadAverage } from './_load.js';

export async function run(): Promise<void> {
  const total = Number(process.env.NTK_BENCH_TRIALS ?? 10_000);
  const every = Number(process.env.NTK_BENCH_EVERY ?? 1000);
  const points = gridPoints(Math.max(1, Math.round(total / 100)));
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-bench-compaction-'));
  console.log(`${points.length} trials, a compaction after every ${every}; run folder ${dir}; load ${loadAverage()}`);
  console.log(
    '\n| trials done | compacted | read MiB | written MiB | wall s | CPU s | trials/s (wall) | peak RSS MiB | files per table | load |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  let wall = 0;
  let cpu = 0;
  let peak = 0;
  try {
    for (let done = 0; done < points.length;) {
      const next = Math.min(points.length, done + every);
      await writeRun(dir, points.slice(done, next));
      done = next;
      const c = compactInChild(dir);
      wall += c.wallS;
      cpu += c.cpuS;
      peak = Math.max(peak, c.maxRssMiB);
      const mib = (b: number): string => (b / 2 ** 20).toFixed(0);
      console.log(
        `| ${done} | ${c.compacted} | ${mib(c.bytesRead)} | ${mib(c.bytesWritten)} | ${c.wallS.toFixed(1)} | ${c.cpuS.toFixed(1)} | ` +
          `${(c.compacted / c.wallS).toFixed(1)} | ${c.maxRssMiB.toFixed(0)} | ${c.after.files / TRIAL_TABLES.length} | ${loadAverage()} |`,
      );
    }
    console.log(
      `\nIn all: ${points.length} trials compacted in ${wall.toFixed(0)} s of compaction wall time (${cpu.toFixed(0)} CPU s), ` +
        `${(points.length / wall).toFixed(1)} trials/s, ${((1000 * cpu) / points.length).toFixed(1)} CPU ms per trial; peak RSS ${peak.toFixed(0)} MiB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
