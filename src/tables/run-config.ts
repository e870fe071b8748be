/**
 * A sweep's config as its workers see it (activities, executors): RUN/config.yaml (written at launch) parsed with
 * relative data paths anchored at the folder of the config as launched, and its grid expanded.
 * Both are cached per process by the file's content hash (docs/orchestration.md, "One parse per
 * sweep"): a worker expands a grid of 50 000 trials once, not once per trial, and an executor
 * thread, handed its resolved grid point, only parses.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expandGrid, type TrialPoint } from '../config/expand.js';
import { sweepIdOf } from '../config/ids.js';
import { parseConfig, type LoadedConfig } from '../config/loader.js';
import { ConfigError } from '../errors.js';
import { configFile } from './run-folder.js';

/** Where a sweep's config lies (workflows/shared.ts's RunRef has these fields). */
export interface RunConfigRef {
  /** The run folder, holding RUN/config.yaml. */
  runDir: string;
  /** The folder relative data paths of the config start from: that of the config as launched. */
  configDir: string;
}

export interface RunConfig {
  loaded: LoadedConfig;
  sweepId: string;
  points: TrialPoint[];
}

/** RUN/config.yaml: the config a sweep was launched with. */
export function runConfigFile(runDir: string): string {
  return configFile(runDir);
}

/** At most this many configs are kept: a worker serves a few sweeps at a time. */
const CACHED = 8;
const parsed = new Map<string, LoadedConfig>();
const expanded = new Map<string, RunConfig>();

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
  return value;
}

/** The config file's text and its cache key (content hash and the folder data paths start from). */
function readRunConfig(ref: RunConfigRef): { file: string; text: string; key: string } {
  const file = runConfigFile(ref.runDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError([
      {
        file,
        line: 1,
        column: 1,
        path: '',
        message: 'the run folder has no config.yaml (it is written when a sweep is launched)',
      },
    ]);
  }
  const key = `${createHash('sha256').update(text).digest('hex')}\0${ref.configDir}`;
  return { file, text, key };
}

/** The run's config, parsed (grid not expanded). Throws {@link ConfigError} when RUN/config.yaml is missing or invalid. */
export function loadRunConfigParsed(ref: RunConfigRef): LoadedConfig {
  const { file, text, key } = readRunConfig(ref);
  return parsed.get(key) ?? remember(parsed, key, parseConfig(text, file, ref.configDir));
}

/** The run's config and grid. Throws {@link ConfigError} when RUN/config.yaml is missing or invalid. */
export function loadRunConfig(ref: RunConfigRef): RunConfig {
  const { key } = readRunConfig(ref);
  const hit = expanded.get(key);
  if (hit) return hit;
  const loaded = loadRunConfigParsed(ref);
  // The CLI asked about large grids before launching; here the grid is what it is.
  return remember(expanded, key, { loaded, sweepId: sweepIdOf(loaded), points: expandGrid(loaded, { yes: true }) });
}

/** The grid point at `index`, checked against the id the workflow planned. */
export function pointAt(rc: RunConfig, index: number, trialId: string): TrialPoint {
  const point = rc.points[index];
  if (!point || point.trialId !== trialId) {
    throw new ConfigError([
      {
        file: rc.loaded.file,
        line: 1,
        column: 1,
        path: 'grid',
        message: `grid point ${index} is ${point ? `trial ${point.trialId}` : 'missing'}, not trial ${trialId}: the config changed after the sweep was planned`,
      },
    ]);
  }
  return point;
}
