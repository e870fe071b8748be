/**
 * The run folder as the orchestration sees it: what `run` writes at launch (RUN/config.yaml, the
 * config the workers read; RUN/manifest.json; RUN/.temporal/launch.json, where relative data paths
 * start and which server ran it), and how `resume`, `status` and `cancel` find a sweep from a run
 * folder or a sweep id.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import {
  canonicalJson,
  expandGrid,
  loadConfig,
  parseConfig,
  sweepIdOf,
  type LoadedConfig,
} from '../src/config/index.js';
import { runDirOf } from '../src/config/summary.js';
import { checkSweepData } from '../src/data/check-data.js';
import { checkWritable, writeFileAtomic } from '../src/io/atomic-write.js';
import { RunFolderError } from '../src/errors.js';
import { readManifest, writeManifest } from '../src/tables/manifest.js';
import { manifestFile } from '../src/tables/run-folder.js';
import { runConfigFile } from '../src/tables/run-config.js';
import { serverDir } from './dev-server.js';

/** RUN/.temporal/launch.json */
export interface LaunchRecord {
  sweepId: string;
  /** The config file as given to `run`, and its folder (relative data paths start there). */
  configFile: string;
  configDir: string;
  /** The cluster it was launched on; absent for the embedded server. */
  address?: string;
  namespace?: string;
  launchedAt: string;
}

export interface SweepPlan {
  loaded: LoadedConfig;
  sweepId: string;
  trialCount: number;
  runDir: string;
  configDir: string;
}

function launchFile(runDir: string): string {
  return path.join(serverDir(runDir), 'launch.json');
}

/** Reads and checks a config and its data files for `run` (every problem at once; nothing is written). */
export function planFromConfig(configFile: string, opts: { yes?: boolean } = {}): SweepPlan {
  const loaded = loadConfig(configFile);
  const points = expandGrid(loaded, { yes: opts.yes });
  checkSweepData(loaded, points);
  const trialCount = points.length;
  return { loaded, sweepId: sweepIdOf(loaded), trialCount, runDir: runDirOf(loaded.config), configDir: loaded.dir };
}

/** The sweep id recorded in RUN/manifest.json, if the folder has one. */
function existingSweepId(runDir: string): string | undefined {
  const file = manifestFile(runDir);
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { sweep_id?: string }).sweep_id;
  } catch {
    return undefined;
  }
}

/**
 * Fails before anything is written when the run folder cannot take this sweep: it holds another
 * sweep (a different config with the same output), or it cannot be created or written.
 */
export function checkRunFolder(plan: SweepPlan): void {
  const held = existingSweepId(plan.runDir);
  if (held !== undefined && held !== plan.sweepId) {
    throw new RunFolderError(
      `${plan.runDir} holds the sweep ${held}, not ${plan.sweepId} (the config changed since it was launched); ` +
        `give the changed config another output folder, or continue the earlier sweep with: ntk-sweep resume ${plan.runDir}`,
    );
  }
  let dir = plan.runDir;
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  if (existsSync(plan.runDir) && !statSync(plan.runDir).isDirectory()) {
    throw new RunFolderError(`cannot use ${plan.runDir} as the run folder: it is a file`);
  }
  checkWritable(path.join(dir, '.ntk-sweep-probe'));
}

/** Writes RUN/config.yaml (the config as launched), RUN/manifest.json and RUN/.temporal/launch.json. */
export async function writeLaunchFiles(
  plan: SweepPlan,
  server: { address?: string; namespace?: string } = {},
): Promise<void> {
  const text = configAsLaunched(plan.loaded);
  const configHash = createHash('sha256').update(canonicalJson(plan.loaded.raw)).digest('hex').slice(0, 16);
  await writeManifest(plan.runDir, {
    sweep_id: plan.sweepId,
    config_hash: configHash,
    trial_count: plan.trialCount,
    config: plan.loaded.raw,
  });
  writeFileAtomic(runConfigFile(plan.runDir), text);
  writeLaunchRecord(plan.runDir, {
    sweepId: plan.sweepId,
    configFile: path.resolve(plan.loaded.file),
    configDir: plan.configDir,
    ...(server.address ? { address: server.address, namespace: server.namespace } : {}),
    launchedAt: new Date().toISOString(),
  });
}

/**
 * The text saved as RUN/config.yaml. A config without `name:` takes its name from its file's stem;
 * the copy is read back as `config.yaml`, so the name is written into it (comments kept) or the
 * workers and `resume` would see another sweep.
 */
function configAsLaunched(loaded: LoadedConfig): string {
  const text = readFileSync(loaded.file, 'utf8');
  if (Object.hasOwn(loaded.raw, 'name')) return text;
  const doc = parseDocument(text);
  doc.set('name', loaded.config.name);
  return doc.toString();
}

export function writeLaunchRecord(runDir: string, rec: LaunchRecord): void {
  mkdirSync(serverDir(runDir), { recursive: true });
  writeFileAtomic(launchFile(runDir), `${JSON.stringify(rec, null, 2)}\n`);
}

export function readLaunchRecord(runDir: string): LaunchRecord | undefined {
  try {
    return JSON.parse(readFileSync(launchFile(runDir), 'utf8')) as LaunchRecord;
  } catch {
    return undefined;
  }
}

/** True when `dir` is a run folder (it has a manifest). */
export function isRunFolder(dir: string): boolean {
  return existsSync(manifestFile(dir)) && statSync(dir).isDirectory();
}

/**
 * The plan of an existing run folder, from its RUN/config.yaml (relative data paths anchored where
 * the config was launched from). Throws when the folder is not a run folder or its config changed.
 */
export async function planFromRunFolder(runDir: string): Promise<SweepPlan> {
  const dir = path.resolve(runDir);
  const manifest = await readManifest(dir);
  const file = runConfigFile(dir);
  if (!existsSync(file)) throw new RunFolderError(`${dir} has no config.yaml: it was not launched by ntk-sweep run`);
  const configDir = readLaunchRecord(dir)?.configDir ?? dir;
  const loaded = parseConfig(readFileSync(file, 'utf8'), file, configDir);
  const points = expandGrid(loaded, { yes: true });
  // First: a data file edited since launch into one that cannot be read is named as such.
  checkSweepData(loaded, points);
  const sweepId = sweepIdOf(loaded);
  if (sweepId !== manifest.sweep_id) {
    throw new RunFolderError(
      `${file} is now the sweep ${sweepId}, but the run folder holds ${manifest.sweep_id}: it was edited after launch`,
    );
  }
  return { loaded, sweepId, trialCount: points.length, runDir: dir, configDir };
}

/** Run folders under `root` (one level deep, as `runs/<name>`) whose manifest names `sweepId`. */
export function findRunFolders(root: string, sweepId: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((n) => path.join(root, n))
    .filter((d) => existsSync(manifestFile(d)) && existingSweepId(d) === sweepId);
}
