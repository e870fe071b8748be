// Whether dist/ (the compiled JavaScript, `npm run build`) is an up-to-date copy of the sources.
// The build records each source file's size and mtime and a hash of their contents in
// dist/sources.json; a start compares the list, sizes and mtimes (a few ms), and hashes the
// contents only when mtimes differ but nothing else does (a checkout or an unpacked tarball
// gives files new mtimes without changing them). Shared by bin/ntk-sweep.js and scripts/build.mjs.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The folders whose TypeScript the CLI runs (tests and benchmarks are not compiled). */
export const SOURCE_DIRS = [
  'src',
  'cli',
  'connection',
  'orchestration',
  'workers',
  'workflows',
  'activities',
  'executors',
];
export const DIST = 'dist';
export const STAMP = 'sources.json';

/** Every .ts file under SOURCE_DIRS, relative to `root`, sorted. */
export function listSources(root) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(r);
    }
  };
  for (const d of SOURCE_DIRS) walk(d);
  return out.sort();
}

/** [file, size, mtimeMs] of each source. */
export function statSources(root, files = listSources(root)) {
  return files.map((f) => {
    const s = statSync(path.join(root, f));
    return [f, s.size, s.mtimeMs];
  });
}

export function hashSources(root, files) {
  const h = createHash('sha256');
  for (const f of files)
    h.update(f)
      .update('\0')
      .update(readFileSync(path.join(root, f)))
      .update('\0');
  return h.digest('hex');
}

/** The stamp the build writes beside what it compiled. */
export function makeStamp(root, files) {
  return { files: statSources(root, files), sha256: hashSources(root, files) };
}

/**
 * Why dist/ must not be used (a short reason), or null when it is an up-to-date build.
 * NTK_SWEEP_FROM_SOURCE=1 forces the sources.
 */
export function staleReason(root, env = process.env) {
  if (env.NTK_SWEEP_FROM_SOURCE === '1') return 'NTK_SWEEP_FROM_SOURCE=1';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(root, DIST, STAMP), 'utf8'));
  } catch {
    return 'no build (npm run build)';
  }
  let now;
  try {
    now = statSources(root);
  } catch (e) {
    return `cannot list the sources (${e.message})`;
  }
  if (now.length !== stamp.files.length) return 'source files were added or removed since the build';
  let mtimesMatch = true;
  for (let i = 0; i < now.length; i++) {
    const [f, size, mtime] = now[i];
    const [bf, bsize, bmtime] = stamp.files[i];
    if (f !== bf) return `${f} is not in the build`;
    if (size !== bsize) return `${f} changed since the build`;
    if (mtime !== bmtime) mtimesMatch = false;
  }
  if (mtimesMatch) return null;
  return hashSources(
    root,
    now.map(([f]) => f),
  ) === stamp.sha256
    ? null
    : 'sources changed since the build';
}
