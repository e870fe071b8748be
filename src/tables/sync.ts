/** Making renames, links and removals in a folder durable (fsync of the folder itself). */
import { closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { OutputError } from '../errors.js';

/** fsync a folder so that the renames and removals in it survive a crash. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** {@link syncDir} without blocking, so that several folders are synced at once. */
export async function syncDirAsync(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates `dir` (and its parents) or throws an OutputError that says why not. */
export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'no permission'
        : code === 'EEXIST' || code === 'ENOTDIR'
          ? 'a file is in the way'
          : (e as Error).message;
    throw new OutputError(`cannot create the folder ${dir}: ${why}`);
  }
}
