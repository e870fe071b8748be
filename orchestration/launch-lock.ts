/**
 * One owner per run folder: RUN/.temporal/launch.lock names the process that owns (or is starting)
 * the run's embedded server, so two launches of one sweep never both start a server on the same
 * database — the second attaches to the first's server or waits for it.
 *
 * The lock dies with its holder: it records the holder's pid (and, on Linux, that process's start
 * time, so a reused pid is not mistaken for the holder), and a lock whose holder is gone is stale.
 * It is created atomically by linking a complete file into place, so it is never seen empty. A
 * stale lock is removed under RUN/.temporal/launch.lock.break, a short-lived mutex: two launches
 * that find the same stale lock remove it once, and never remove a lock taken meanwhile.
 */
import { linkSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diskFullError, isDiskFull } from '../src/io/disk-full.js';
import { serverDir } from './dev-server.js';

interface LockRecord {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot); absent where there is no /proc. */
  start?: string;
}

export type LaunchLock = { held: true; release(): void } | { held: false; holder: number };

/** A breaker that crashed between taking and dropping the break mutex leaves it; this old, it is ignored. */
const BREAK_STALE_MS = 10_000;

export function launchLockFile(runDir: string): string {
  return path.join(serverDir(runDir), 'launch.lock');
}

/** When `pid` started (Linux), to tell the holder from a later process that got its pid. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isRunning(rec: LockRecord): boolean {
  try {
    process.kill(rec.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStart(rec.pid);
  return rec.start === undefined || start === undefined || start === rec.start;
}

function readLock(file: string): LockRecord | undefined {
  try {
    const rec = JSON.parse(readFileSync(file, 'utf8')) as LockRecord;
    return Number.isInteger(rec.pid) && rec.pid > 0 ? rec : undefined;
  } catch {
    return undefined;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Removes `file` if it still holds the dead `stale` record; serialised with other breakers. */
function breakStale(file: string, stale: LockRecord | undefined): void {
  const mutex = `${file}.break`;
  try {
    mkdirSync(mutex);
  } catch {
    try {
      if (Date.now() - statSync(mutex).mtimeMs > BREAK_STALE_MS) rmdirSync(mutex);
    } catch {
      // Dropped meanwhile.
    }
    sleepSync(20);
    return;
  }
  try {
    // Under the mutex nobody else removes the lock, and nobody creates one while it exists: if it
    // still holds the dead record, it is the stale lock.
    const now = readLock(file);
    const same =
      now === undefined
        ? stale === undefined
        : stale !== undefined && now.pid === stale.pid && now.start === stale.start;
    if (same && (now === undefined || !isRunning(now))) rmSync(file, { force: true });
  } finally {
    rmdirSync(mutex);
  }
}

/**
 * Takes the run folder's launch lock, or says which live process holds it. Never waits: the
 * caller decides whether to attach to the holder's server or try again.
 */
export function tryLaunchLock(runDir: string): LaunchLock {
  const file = launchLockFile(runDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const mine: LockRecord = { pid: process.pid, start: processStart(process.pid) };
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(mine));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw isDiskFull(e) ? diskFullError(tmp) : e;
  }
  try {
    for (;;) {
      try {
        linkSync(tmp, file);
        return { held: true, release: () => releaseIfMine(file, mine) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const rec = readLock(file);
      if (rec && rec.pid !== process.pid && isRunning(rec)) return { held: false, holder: rec.pid };
      if (rec?.pid === process.pid && rec.start === mine.start)
        return { held: true, release: () => releaseIfMine(file, mine) };
      // Unreadable or dead: stale (a complete record is linked in, so unreadable means damaged).
      breakStale(file, rec);
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

function releaseIfMine(file: string, mine: LockRecord): void {
  const rec = readLock(file);
  if (rec?.pid === mine.pid && rec.start === mine.start) rmSync(file, { force: true });
}
