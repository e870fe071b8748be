/**
 * The project's root folder: the nearest folder above this module that holds package.json. The
 * sources sit one or two levels below it and their compiled copy (dist/, `npm run build`) one
 * level more, so a fixed number of `..` would be right for one of them only.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** Throws where this module has no URL (a CommonJS bundle): callers that can do without catch it. */
export function projectRoot(): string {
  if (root !== undefined) return root;
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return (root = dir);
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

/** `<root>/.cache` (the Temporal CLI setup installs, the workflow bundles), or NTK_SWEEP_CACHE_DIR. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.NTK_SWEEP_CACHE_DIR ? path.resolve(env.NTK_SWEEP_CACHE_DIR) : path.join(projectRoot(), '.cache');
}
