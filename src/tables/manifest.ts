/**
 * RUN/manifest.json (docs/design.md §7): the resolved config as plain snake_case JSON, its hash, the sweep
 * id, the trial count, the versions of the tools that wrote the run and when it was created.
 * Written atomically (src/io/atomic-write.ts). {@link writeManifest} / {@link readManifest}.
 */
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import * as z from 'zod';
import { OutputError, RunFolderError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { MANIFEST_FILE, manifestFile } from './run-folder.js';
import { toolVersions } from './versions.js';

/** Version of the manifest's own layout; bumped when its fields change incompatibly. */
export const MANIFEST_VERSION = 1;

const ManifestSchema = z.object({
  manifest_version: z.literal(MANIFEST_VERSION),
  sweep_id: z.string().min(1),
  config_hash: z.string().min(1),
  trial_count: z.number().int().nonnegative(),
  /** The resolved config, as the YAML would spell it (snake_case). */
  config: z.record(z.string(), z.unknown()),
  versions: z.object({
    ntk_sweep: z.string(),
    node: z.string(),
    tfjs: z.string().nullable(),
    apache_arrow: z.string().nullable(),
    parquet_wasm: z.string().nullable(),
  }),
  /** ISO 8601, UTC. */
  created_at: z.iso.datetime(),
});

export type Manifest = z.infer<typeof ManifestSchema>;

/** What the caller knows; versions and the creation time are filled in unless given. */
export type ManifestInput = Pick<Manifest, 'sweep_id' | 'config_hash' | 'trial_count' | 'config'> &
  Partial<Pick<Manifest, 'versions'>> & { created_at?: Date };

export { MANIFEST_FILE };

/** Writes RUN/manifest.json (creating RUN if needed) and returns what was written. Throws OutputError. */
export async function writeManifest(runDir: string, m: ManifestInput): Promise<Manifest> {
  const manifest: Manifest = ManifestSchema.parse({
    manifest_version: MANIFEST_VERSION,
    sweep_id: m.sweep_id,
    config_hash: m.config_hash,
    trial_count: m.trial_count,
    config: m.config,
    versions: m.versions ?? toolVersions(),
    created_at: (m.created_at ?? new Date()).toISOString(),
  });
  try {
    mkdirSync(runDir, { recursive: true });
  } catch (e) {
    throw new OutputError(`cannot create the run folder ${runDir}: ${(e as Error).message}`);
  }
  writeFileAtomic(manifestFile(runDir), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Reads RUN/manifest.json. Throws RunFolderError when it is missing or not a valid manifest. */
export async function readManifest(runDir: string): Promise<Manifest> {
  const file = manifestFile(runDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RunFolderError(
      code === 'ENOENT'
        ? `${runDir} is not a run folder: it has no ${MANIFEST_FILE}`
        : `cannot read ${file}: ${(e as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new RunFolderError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new RunFolderError(`${file} is not a valid manifest: ${problems.join('; ')}`);
  }
  return parsed.data;
}
