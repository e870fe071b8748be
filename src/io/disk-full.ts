/**
 * Naming a full disk: a write that fails with ENOSPC (or EDQUOT) becomes a {@link DiskFullError}
 * whose message says which disk (the mount point holding the file) and how much space is left, so
 * the user knows what to free.
 */
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { DiskFullError } from '../errors.js';

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** True for an error (or one of its causes) that says the disk is full. */
export function isDiskFull(e: unknown): boolean {
  for (let c = e, depth = 0; c instanceof Error && depth < 5; c = c.cause, depth++) {
    if (c instanceof DiskFullError) return true;
    const code = (c as NodeJS.ErrnoException).code;
    if (code && FULL_CODES.has(code)) return true;
    // Errors wrapped into messages by layers that kept only the text.
    if (/\bENOSPC\b|\bEDQUOT\b|no space left on device/i.test(c.message)) return true;
  }
  return false;
}

/** The mount point and file system type holding `dir` (Linux: the longest matching line of /proc/mounts). */
export function mountOf(dir: string): { mount: string; type: string } | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/mounts', 'utf8');
  } catch {
    return undefined;
  }
  let best: { mount: string; type: string } | undefined;
  for (const line of text.split('\n')) {
    const [, mnt, type] = line.split(' ');
    if (!mnt) continue;
    const mount = mnt.replace(/\\040/g, ' ');
    const inside = dir === mount || dir.startsWith(mount.endsWith('/') ? mount : `${mount}/`);
    if (inside && (!best || mount.length >= best.mount.length)) best = { mount, type };
  }
  return best;
}

function mib(bytes: number): string {
  return bytes >= 1 << 30 ? `${(bytes / (1 << 30)).toFixed(1)} GiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

/** The {@link DiskFullError} for a write of `file` that found no space. */
export function diskFullError(file: string): DiskFullError {
  let dir = path.dirname(path.resolve(file));
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const m = mountOf(dir);
  let space = '';
  try {
    const s = statfsSync(dir);
    space = `, ${mib(s.bavail * s.bsize)} free of ${mib(s.blocks * s.bsize)}`;
  } catch {
    // No figures; the disk is still named.
  }
  const disk = m ? `${m.mount} (${m.type}${space})` : `the disk holding ${dir}${space ? ` (${space.slice(2)})` : ''}`;
  return new DiskFullError(`the disk is full: no space left on ${disk} to write ${file} (ENOSPC)`);
}

/** Free space below which a disk counts as full for a writer that cannot say so itself (a database). */
export const NEARLY_FULL_BYTES = 1 << 20;

/** The DiskFullError for `file` when the disk that holds it has less than `minFreeBytes` free; else undefined. */
export function fullDiskUnder(file: string, minFreeBytes = NEARLY_FULL_BYTES): DiskFullError | undefined {
  try {
    const s = statfsSync(path.dirname(path.resolve(file)));
    return s.bavail * s.bsize < minFreeBytes ? diskFullError(file) : undefined;
  } catch {
    return undefined; // no figures: nothing to say
  }
}
