/**
 * A full disk during a sweep, on a real small disk (a tmpfs mounted for the test; needs root): the
 * sweep stops with a message naming the disk and exit code 4 (src/exit-codes.ts) — whether a
 * trial meets the full disk first or the embedded server's database does —, is not retried trial after trial, leaves no half-written file counted complete, and `resume` after space
 * is freed completes it with each trial once.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT_DISK_FULL } from '../../src/exit-codes.js';
import { expandGrid, loadConfig, sweepIdOf } from '../../src/config/index.js';
import { trialStates } from '../../src/tables/read.js';
import { sweepWorkflowId } from '../../workflows/shared.js';
import { FIXTURES, runCli, startCli, tableFiles, waitFor } from './helpers/cli.js';
import { activitiesOf } from './helpers/histories.js';
import { withRunServer } from './helpers/server.js';

const TABLES = ['trials', 'curves', 'kernels', 'spectra'];
/** Left free when the disk is filled: room for the server's database, not for the rest of the sweep's tables. */
const RESERVE = 1 << 20;
const isRoot = process.getuid?.() === 0;

/** Every file under `dir` whose name marks a temporary (half-written) file. */
function tempFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'));
}

describe(
  'a full disk stops the sweep; resume completes it once space is freed',
  { skip: !isRoot && 'mounting a tmpfs needs root' },
  () => {
    const disk = mkdtempSync(path.join(tmpdir(), 'ntk-full-disk-'));
    const config = path.join(disk, 'disk.yaml');
    const runDir = path.join(disk, 'runs', 'disk');
    const filler = path.join(disk, 'filler');

    before(() => {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', disk]);
      copyFileSync(path.join(FIXTURES, 'disk.yaml'), config);
    });
    after(() => {
      execFileSync('umount', ['-l', disk]);
      rmSync(disk, { recursive: true, force: true });
    });

    it('names the disk, exits 4, counts nothing half-written; resume completes each trial once', async () => {
      const ids = expandGrid(loadConfig(config))
        .map((p) => p.trialId)
        .sort();
      const cli = startCli(['run', 'disk.yaml', '--progress', 'lines'], { cwd: disk });
      await waitFor('a first trial', () => (tableFiles(runDir, 'trials').length >= 1 ? true : undefined));
      const s = statfsSync(disk);
      writeFileSync(filler, Buffer.alloc(Math.max(0, s.bavail * s.bsize - RESERVE)));

      const r = await cli.done;
      assert.equal(r.status, EXIT_DISK_FULL, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `the disk is full: no space left on ${disk.replace(/[/.]/g, '\\$&')} \\(tmpfs, [\\d.]+ [MK]iB free of 24\\.0 MiB\\)`,
        ),
      );
      assert.match(r.stderr, new RegExp(`ntk-sweep resume ${runDir.replace(/[/.]/g, '\\$&')}`));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.doesNotMatch(r.stdout, /completed/);

      const states = await trialStates(runDir);
      const complete = [...states].filter(([, st]) => st === 'complete').map(([id]) => id);
      assert.ok(complete.length >= 1 && complete.length < ids.length, `${complete.length} complete at the stop`);
      assert.equal([...states.values()].filter((st) => st === 'failed').length, 0, 'a full disk is not a failed trial');
      for (const id of complete)
        for (const t of TABLES) assert.ok(tableFiles(runDir, t).includes(`${id}.parquet`), `${t} of complete ${id}`);
      assert.deepEqual(tempFiles(runDir), [], 'no half-written file left');

      // Still full: resume says so again, whether the server or a trial meets the full disk first.
      const early = await runCli(['resume', runDir], { cwd: disk });
      assert.equal(early.status, EXIT_DISK_FULL, early.stderr);
      assert.match(early.stderr, /the disk is full: no space left on /);
      assert.doesNotMatch(early.stderr, /\n\s+at /);

      rmSync(filler);
      // Either a trial met the full disk (its attempt failed, and was not retried as if transient),
      // or the server's database did first (it records nothing more, and the watcher said so).
      const serverFirst = r.stderr.includes(path.join(runDir, '.temporal', 'temporal.db'));
      await withRunServer(runDir, async (client) => {
        const workflowId = sweepWorkflowId(sweepIdOf(loadConfig(config)));
        const history = await client.workflow.getHandle(workflowId).fetchHistory();
        const failed = activitiesOf(history).filter((a) => a.activityType === 'runTrial' && a.outcome === 'failed');
        if (!serverFirst) assert.ok(failed.length >= 1, `a trial met the full disk:\n${r.stderr}`);
        for (const a of failed) assert.equal(a.attempt, 1, `runTrial ${a.activityId} was retried`);
      });
      if (process.env.NTK_SHOW_OUTPUT === '1') process.stderr.write(`--- the stopped run said:\n${r.stderr}\n`);

      const resumed = await runCli(['resume', runDir, '--json'], { cwd: disk });
      assert.equal(resumed.status, 0, resumed.stderr);
      const result = JSON.parse(resumed.stdout.trim().split('\n').at(-1)!);
      assert.equal(result.status, 'completed');
      assert.equal(result.ok + result.diverged, ids.length);
      assert.equal(result.failed, 0);
      for (const t of TABLES)
        assert.deepEqual(
          tableFiles(runDir, t),
          ids.map((id) => `${id}.parquet`),
          t,
        );
      assert.deepEqual(tempFiles(runDir), []);
    });

    it('a launch on the full disk is refused with the same message and exit 4, nothing half-written', async () => {
      const other = path.join(disk, 'other');
      execFileSync('mkdir', ['-p', other]);
      copyFileSync(config, path.join(other, 'disk.yaml'));
      const s = statfsSync(disk);
      writeFileSync(filler, Buffer.alloc(s.bavail * s.bsize));
      try {
        const r = await runCli(['run', 'disk.yaml'], { cwd: other });
        assert.equal(r.status, EXIT_DISK_FULL, r.stderr);
        assert.match(r.stderr, /the disk is full: no space left on .* \(tmpfs, 0\.0 MiB free of 24\.0 MiB\)/);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
        assert.deepEqual(tempFiles(other), []);
        assert.equal(
          existsSync(path.join(other, 'runs', 'disk', 'manifest.json')),
          false,
          'no manifest: not a run folder',
        );
      } finally {
        rmSync(filler, { force: true });
      }
    });
  },
);
