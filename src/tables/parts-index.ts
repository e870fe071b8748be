/**
 * Which trials a generation's parts hold: each part has an index `.parts/<part>.json` in its
 * generation (hidden from readers' globs), written with the part and never changed, so it is
 * read once per process and shared by every later generation that keeps the part.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { partsIndexDir } from './run-folder.js';

/** A compacted trial: its status and analytic id (what the completion check needs from its `trials` row). */
export interface CompactedTrial {
  status: 'ok' | 'diverged';
  analyticId: string;
}

/** What `.parts/<part>.json` holds. */
export interface PartIndex {
  part: string;
  /** The part's file names per table (a table whose files had several schemas has several). */
  files: Record<string, string[]>;
  /** [trial_id, status, analytic_id], in the order of the part's rows. */
  trials: [string, 'ok' | 'diverged', string][];
  /** Bytes of the part's files together. */
  bytes: number;
}

const cache = new Map<string, PartIndex>();
const genCache = new Map<string, Map<string, CompactedTrial>>();

/** A key that changes when the file at `file` is another file (a folder deleted and written again). */
function identity(file: string): string {
  const st = statSync(file);
  return `${path.resolve(file)}:${st.dev}:${st.ino}:${st.mtimeMs}`;
}

/** The index of one part (cached: an index file never changes). */
export function readPartIndex(genDir: string, part: string): PartIndex {
  const file = path.join(partsIndexDir(genDir), `${part}.json`);
  const key = identity(file);
  let index = cache.get(key);
  if (!index) {
    index = JSON.parse(readFileSync(file, 'utf8')) as PartIndex;
    if (cache.size > 10_000) cache.clear();
    cache.set(key, index);
  }
  return index;
}

/** The parts of a generation (base names), sorted. */
export function listPartIndexes(genDir: string): string[] {
  try {
    return readdirSync(partsIndexDir(genDir))
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -'.json'.length))
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Every trial the parts of a generation hold (cached: a generation's parts never change). */
export function compactedTrials(genDir: string): ReadonlyMap<string, CompactedTrial> {
  let key: string;
  try {
    key = identity(partsIndexDir(genDir));
  } catch {
    return new Map();
  }
  let out = genCache.get(key);
  if (out) return out;
  out = new Map<string, CompactedTrial>();
  for (const part of listPartIndexes(genDir)) {
    for (const [id, status, analyticId] of readPartIndex(genDir, part).trials) out.set(id, { status, analyticId });
  }
  if (genCache.size > 64) genCache.clear();
  genCache.set(key, out);
  return out;
}
