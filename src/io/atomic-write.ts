/**
 * Writing a file so that readers never see it half-written (docs/design.md §7): the bytes go to a
 * temporary name in the same folder (same file system, so the rename is atomic) and are renamed
 * into place; on any failure the temporary file is removed and nothing is left behind.
 */
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { OutputError, type DiskFullError } from '../errors.js';
import { diskFullError, isDiskFull } from './disk-full.js';

/** The temporary name `file` is written under: hidden, in the same folder, never ending in the final extension. */
function tempNameFor(file: string): string {
  return path.join(
    path.dirname(path.resolve(file)),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

/** An {@link OutputError} that says in words why `file` could not be written ({@link DiskFullError} for a full disk). */
function outputError(file: string, e: unknown): OutputError | DiskFullError {
  if (isDiskFull(e)) return diskFullError(file);
  const dir = path.dirname(path.resolve(file));
  const err = e as NodeJS.ErrnoException;
  const why =
    err.code === 'ENOENT'
      ? `the folder ${dir} does not exist`
      : err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS'
        ? `no permission to write in ${dir}`
        : err.code === 'EISDIR'
          ? 'it is a folder'
          : err.message;
  return new OutputError(`cannot write ${file}: ${why}`);
}

/** Writes `data` to `file` atomically, replacing any file there. Throws {@link OutputError} (DiskFullError for a full disk). */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const tmp = tempNameFor(file);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw outputError(file, e);
  }
}

/**
 * {@link writeFileAtomic} without blocking: several files written at once have their fsyncs
 * overlap (they run on libuv's thread pool), which is most of the time of writing small files.
 * Throws {@link OutputError}.
 */
export async function writeFileAtomicAsync(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempNameFor(file);
  let handle: FileHandle | undefined;
  try {
    handle = await open(tmp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, file);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw outputError(file, e);
  }
}

/**
 * Fails early, before any work, when `file` could not be written: its folder is missing or not
 * writable, or the name is a folder. Throws {@link OutputError}.
 */
export function checkWritable(file: string): void {
  const dir = path.dirname(path.resolve(file));
  let why: string | undefined;
  try {
    if (!statSync(dir).isDirectory()) why = `${dir} is not a folder`;
    else accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    why = code === 'ENOENT' ? `the folder ${dir} does not exist` : `no permission to write in ${dir}`;
  }
  if (!why && existsSync(file) && statSync(file).isDirectory()) why = 'it is a folder';
  if (why) throw new OutputError(`cannot write ${file}: ${why}`);
}
