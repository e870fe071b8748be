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
    throw new OutputError(`cannot create the folder ${dir}: ${whyNotWritable(e)}`);
  }
}

/** Why a folder could not be created or written, in words: its permissions, a file in its place, or the system's message. */
export function whyNotWritable(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'no permission';
  if (code === 'EEXIST' || code === 'ENOTDIR') return 'a file is in the way';
  return (e as Error).message;
}
