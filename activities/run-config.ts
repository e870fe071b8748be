/**
 * A sweep's config as the activities see it: RUN/config.yaml (written at launch) parsed with
 * relative data paths anchored at the folder of the config as launched, and its grid expanded.
 * Cached per process by file and modification time: a worker expands a grid of 50 000 trials once,
 * not once per trial.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expandGrid, parseConfig, sweepIdOf, type LoadedConfig, type TrialPoint } from '../src/config/index.js';
import { ConfigError } from '../src/errors.js';
import { configFile } from '../src/tables/run-folder.js';
import type { RunRef } from '../workflows/shared.js';

export interface RunConfig {
  loaded: LoadedConfig;
  sweepId: string;
  points: TrialPoint[];
}

/** RUN/config.yaml: the config a sweep was launched with. */
export function runConfigFile(runDir: string): string {
  return configFile(runDir);
}

const cache = new Map<string, { mtimeMs: number; size: number; value: RunConfig }>();

/** The run's config and grid. Throws {@link ConfigError} when RUN/config.yaml is missing or invalid. */
export function loadRunConfig(ref: RunRef): RunConfig {
  const file = runConfigFile(ref.runDir);
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new ConfigError([
      { file, line: 1, column: 1, path: '', message: 'the run folder has no config.yaml (it is written when a sweep is launched)' },
    ]);
  }
  const key = `${file}\0${ref.configDir}`;
  const hit = cache.get(key);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.value;
  const loaded = parseConfig(readFileSync(file, 'utf8'), file, ref.configDir);
  // The CLI asked about large grids before launching; here the grid is what it is.
  const value = { loaded, sweepId: sweepIdOf(loaded), points: expandGrid(loaded, { yes: true }) };
  cache.set(key, { mtimeMs: st.mtimeMs, size: st.size, value });
  return value;
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
