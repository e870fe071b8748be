/**
 * The generations behind the per-trial tables (docs/run-folder.md, "Generations"): RUN/<table> is a
 * symlink to RUN/.tables/current/<table>, and `current` a symlink to one generation folder
 * `g<N>`. A generation's entries change only while the publish lock is held: a trial's writer
 * adds its small files to the current generation (./write.ts), a compaction builds the next
 * generation beside it — hard links to every entry it keeps, the new parts — and makes it current
 * with one rename of the `current` symlink (./compact.ts). A reader thus sees one generation or
 * the next, never a mix, and each holds every completed trial exactly once.
 *
 * The lock is a file created exclusively (O_EXCL, atomic on every local file system) holding its owner; a lock
 * whose owner died on this host, or older than {@link STALE_LOCK_MS}, is broken, so a killed
 * writer or compaction never blocks the run for good.
 */
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { OutputError } from '../errors.js';
import { diskFullError, isDiskFull } from '../io/disk-full.js';
import { TRIAL_TABLES } from './rows.js';
import {
  currentGeneration,
  currentLink,
  generationDir,
  generationName,
  generationNumber,
  lockFile,
  partsIndexDir,
  tableLinkTarget,
  tablePath,
  tablesRoot,
  tmpDir,
} from './run-folder.js';
import { syncDir } from './sync.js';

/** A lock older than this is taken to be left by a writer that died (critical sections take milliseconds). */
export const STALE_LOCK_MS = 30_000;
/** Superseded generations kept for readers still reading them: the last few, and any superseded recently. */
const KEEP_SUPERSEDED = 3;
const KEEP_SUPERSEDED_MS = 10 * 60_000;
/** Temporary files older than this are left by a process that died. */
const STALE_TMP_MS = 10 * 60_000;

const HOST = hostname();

interface LockOwner {
  pid: number;
  host: string;
  at: number;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the lock file `file` was left by a holder that is gone. */
function isStale(file: string): boolean {
  let owner: LockOwner | undefined;
  try {
    owner = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    // empty: the holder is between creating it and writing its owner, or died there
  }
  if (owner && owner.host === HOST && owner.pid !== process.pid && !pidAlive(owner.pid)) return true;
  try {
    return Date.now() - statSync(file).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false; // released meanwhile
  }
}

function tryLock(runDir: string): boolean {
  const file = lockFile(runDir);
  let fd: number;
  try {
    // Created exclusively: of two processes, one creates it and the other gets EEXIST.
    fd = openSync(file, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      mkdirSync(tablesRoot(runDir), { recursive: true });
      return tryLock(runDir);
    }
    if (code !== 'EEXIST') throw new OutputError(`cannot take the lock ${file}: ${(e as Error).message}`);
    if (isStale(file)) {
      // Moved aside first: of two processes breaking it, one renames and the other fails.
      const aside = path.join(tablesRoot(runDir), `.lock-broken-${randomBytes(4).toString('hex')}`);
      try {
        renameSync(file, aside);
        rmSync(aside, { force: true });
      } catch {
        // another process broke it first
      }
    }
    return false;
  }
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, host: HOST, at: Date.now() } satisfies LockOwner));
  } catch (e) {
    // A full disk can refuse the owner's few bytes: give the lock back rather than leave it to go stale.
    closeSync(fd);
    rmSync(file, { force: true });
    throw e;
  }
  closeSync(fd);
  return true;
}

function unlock(runDir: string): void {
  rmSync(lockFile(runDir), { force: true });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` holding the publish lock of `runDir` (see the module comment). */
export async function withPublishLock<T>(runDir: string, work: () => T | Promise<T>): Promise<T> {
  let wait = 1;
  while (!tryLock(runDir)) {
    await sleep(wait);
    wait = Math.min(wait * 2, 20);
  }
  try {
    return await work();
  } finally {
    unlock(runDir);
  }
}

/** Creates `link` → `target` under a temporary name and renames it into place: atomic replacement. */
export function replaceSymlink(target: string, link: string): void {
  const tmp = path.join(
    path.dirname(link),
    `.${path.basename(link)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  symlinkSync(target, tmp);
  try {
    renameSync(tmp, link);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Gives `runDir` its generations if it has none: a first generation, `current` pointing at it, and a
 * symlink per per-trial table. A folder written before generations has plain table folders: they
 * are moved into the first generation (readers of such a folder see its tables vanish for the
 * instant between the move and the symlink). Idempotent; cheap once done.
 */
export async function ensureGenerations(runDir: string): Promise<number> {
  const now = currentGeneration(runDir);
  if (now !== undefined && TRIAL_TABLES.every((t) => isLink(tablePath(runDir, t)))) return now;
  return withPublishLock(runDir, () => {
    for (const t of TRIAL_TABLES) {
      const plain = tablePath(runDir, t);
      if (existsSync(plain) && !isLink(plain) && !statSync(plain).isDirectory()) {
        throw new OutputError(`cannot create the folder ${plain}: a file is in the way`);
      }
    }
    let n = currentGeneration(runDir);
    if (n === undefined) {
      n = 1;
      const g = generationDir(runDir, n);
      rmSync(g, { recursive: true, force: true });
      mkdirSync(partsIndexDir(g), { recursive: true });
      for (const t of TRIAL_TABLES) {
        const plain = tablePath(runDir, t);
        if (existsSync(plain) && !isLink(plain)) renameSync(plain, path.join(g, t));
        else mkdirSync(path.join(g, t), { recursive: true });
      }
      mkdirSync(tmpDir(runDir), { recursive: true });
      syncDir(g);
      replaceSymlink(generationName(n), currentLink(runDir));
      syncDir(tablesRoot(runDir));
    }
    for (const t of TRIAL_TABLES) {
      const link = tablePath(runDir, t);
      if (isLink(link)) continue;
      if (existsSync(link)) throw new OutputError(`${link} is a folder, expected a symlink into ${tablesRoot(runDir)}`);
      replaceSymlink(tableLinkTarget(t), link);
    }
    syncDir(runDir);
    return n;
  });
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The generation numbers present under RUN/.tables, ascending. */
export function listGenerations(runDir: string): number[] {
  let names: string[] = [];
  try {
    names = readdirSync(tablesRoot(runDir));
  } catch {
    return [];
  }
  return names
    .map(generationNumber)
    .filter((n): n is number => n !== undefined)
    .sort((a, b) => a - b);
}

/**
 * Removes what a killed writer or compaction left: generations newer than the current one (a
 * compaction that died before its swap), temporary files of dead processes, superseded
 * generations no reader needs any more. Call with the lock held when `aborted` (the default):
 * only then is a newer generation certainly not being built.
 */
export function removeLeftovers(runDir: string, options: { aborted?: boolean } = {}): void {
  const current = currentGeneration(runDir);
  if (current === undefined) return;
  const gens = listGenerations(runDir);
  if (options.aborted ?? true) {
    for (const n of gens.filter((g) => g > current)) rmSync(generationDir(runDir, n), { recursive: true, force: true });
  }
  const older = gens.filter((g) => g < current).reverse();
  older.forEach((n, i) => {
    if (i < KEEP_SUPERSEDED) return;
    // Superseded when its successor was made; a reader may still be on it for a while.
    let successorMade = 0;
    try {
      successorMade = statSync(generationDir(runDir, n + 1)).mtimeMs;
    } catch {
      // successor gone: superseded long ago
    }
    if (Date.now() - successorMade > KEEP_SUPERSEDED_MS)
      rmSync(generationDir(runDir, n), { recursive: true, force: true });
  });
  const tmp = tmpDir(runDir);
  let names: string[] = [];
  try {
    names = readdirSync(tmp);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^\.?(\d+)\./.exec(name)?.[1]);
    const file = path.join(tmp, name);
    let old = false;
    try {
      old = Date.now() - statSync(file).mtimeMs > STALE_TMP_MS;
    } catch {
      continue;
    }
    if (old || (Number.isInteger(pid) && pid !== process.pid && name.includes(`.${HOST}.`) && !pidAlive(pid))) {
      rmSync(file, { recursive: true, force: true });
    }
  }
}

/** A fresh temporary file name in RUN/.tables/tmp (its owner's pid and host in the name, for {@link removeLeftovers}). */
export function tmpFile(runDir: string, what: string): string {
  return path.join(tmpDir(runDir), `${process.pid}.${HOST}.${randomBytes(6).toString('hex')}.${what}.tmp`);
}

/**
 * Writes `bytes` to a new temporary file of RUN/.tables/tmp, fsynced; returns its name. Its name is
 * fresh and no reader looks there, so it is written in place (renamed into a table folder later).
 */
export async function writeTempFile(runDir: string, what: string, bytes: Uint8Array): Promise<string> {
  const file = tmpFile(runDir, what);
  let handle;
  try {
    handle = await open(file, 'wx');
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (e) {
    await handle?.close().catch(() => undefined);
    handle = undefined;
    rmSync(file, { force: true });
    if (isDiskFull(e)) throw diskFullError(file);
    throw new OutputError(`cannot write ${file}: ${(e as Error).message}`);
  } finally {
    await handle?.close();
  }
  return file;
}

/**
 * Repairs a run folder before trials run again (`run` and `resume` plan through it): generations
 * for a folder without them, and the leftovers of a killed writer or compaction removed.
 */
export async function repairRunFolder(runDir: string): Promise<void> {
  await ensureGenerations(runDir);
  await withPublishLock(runDir, () => removeLeftovers(runDir, { aborted: true }));
}
