/**
 * SHA-256 of data files named by a config (CSV), so that a trial id changes when the file's
 * content does and not when the file moves. Cached by absolute path, size and modification time:
 * expanding a grid of 50 000 trials over one file reads it once.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

const cache = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

/** Hex SHA-256 of the file's bytes. Throws the fs error when it cannot be read. */
export function fileSha256(absPath: string): string {
  const st = statSync(absPath);
  const hit = cache.get(absPath);
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.sha256;
  const sha256 = createHash('sha256').update(readFileSync(absPath)).digest('hex');
  cache.set(absPath, { size: st.size, mtimeMs: st.mtimeMs, sha256 });
  return sha256;
}
