/**
 * Versions of ntk-sweep and of the libraries that shape its outputs, as recorded in every file's
 * schema metadata and in manifest.json: read from the installed packages' package.json, so they
 * are what actually ran, not what package.json asked for.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectRoot } from '../project-root.js';

/** Module resolution relative to this file, made on first use: a CommonJS bundle for a GPU host may have no import.meta.url. */
function resolveFromHere(name: string): string {
  return createRequire(import.meta.url).resolve(name);
}

function readJson(file: string): { name?: string; version?: string } {
  return JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
}

/** This package's version (from the project's package.json). */
export const NTK_SWEEP_VERSION: string = (() => {
  try {
    return readJson(path.join(projectRoot(), 'package.json')).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
})();

/**
 * The installed version of package `name`, or null when it is not installed. Walks up from the
 * package's entry point to its own package.json (some packages, like parquet-wasm, do not export
 * `./package.json`, and keep other package.json files in subfolders).
 */
export function installedVersion(name: string): string | null {
  let entry: string;
  try {
    entry = resolveFromHere(name);
  } catch {
    return null;
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = readJson(path.join(dir, 'package.json'));
      if (pkg.name === name) return pkg.version ?? null;
    } catch {
      // no package.json here: keep walking up
    }
  }
  return null;
}

/** Tool versions for manifest.json. */
export interface ToolVersions {
  ntk_sweep: string;
  node: string;
  tfjs: string | null;
  apache_arrow: string | null;
  parquet_wasm: string | null;
}

export function toolVersions(): ToolVersions {
  return {
    ntk_sweep: NTK_SWEEP_VERSION,
    node: process.versions.node,
    tfjs: installedVersion('@tensorflow/tfjs-core'),
    apache_arrow: installedVersion('apache-arrow'),
    parquet_wasm: installedVersion('parquet-wasm'),
  };
}
