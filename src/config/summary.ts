/**
 * What `ntk-sweep validate` shows of a resolved sweep: its id, trial count, axes, the settings
 * that stay fixed across the grid, the run folder, and (JSON) every trial with its id.
 */
import path from 'node:path';
import type { TrialPoint } from './expand.js';
import { sweepIdOf } from './ids.js';
import type { LoadedConfig } from './loader.js';
import { snakeKeys } from './snake-case.js';
import type { GridValue, SweepConfig } from './types.js';

/**
 * The run folder of a sweep as an absolute path. `output` is any path the user chooses; a relative
 * one is relative to the working folder (`output: runs/x` run from the project root gives
 * ./runs/x), not to the config file's folder.
 */
export function runDirOf(config: SweepConfig, cwd: string = process.cwd()): string {
  return path.resolve(cwd, config.output);
}

export interface SweepSummary {
  sweep_id: string;
  name: string;
  config: string;
  output: string;
  trial_count: number;
  axes: { name: string; field: string; values: GridValue[] }[];
  /** The resolved settings shared by every trial (snake_case), gridded fields left out. */
  fixed: Record<string, unknown>;
  trials: { index: number; trial_id: string; params: Record<string, GridValue> }[];
}

/** The first trial's resolved sections (snake_case), without the fields a grid axis sets. */
function fixedSettings(config: SweepConfig): Record<string, unknown> {
  const { seed, dataset, model, train, ntk, execution } = config;
  const fixed = snakeKeys({ seed, dataset, model, train, ntk, execution }) as Record<string, unknown>;
  // As the YAML spells it.
  const exec = fixed.execution as Record<string, unknown>;
  delete exec.trial_timeout_s;
  exec.trial_timeout = `${config.execution.trialTimeoutS}s`;
  for (const axis of config.grid) {
    const p = axis.path.split('.');
    let cur = fixed;
    for (const seg of p.slice(0, -1)) cur = (cur?.[seg] ?? undefined) as Record<string, unknown>;
    if (cur) delete cur[p[p.length - 1]];
  }
  return fixed;
}

/** The summary of a loaded, expanded sweep. */
export function summarizeSweep(loaded: LoadedConfig, points: readonly TrialPoint[], cwd?: string): SweepSummary {
  const c = loaded.config;
  return {
    sweep_id: sweepIdOf(loaded),
    name: c.name,
    config: loaded.file,
    output: runDirOf(c, cwd),
    trial_count: points.length,
    axes: c.grid.map((a) => ({ name: a.name, field: a.path, values: a.values })),
    fixed: fixedSettings(c),
    trials: points.map((p) => ({ index: p.index, trial_id: p.trialId, params: p.params })),
  };
}

/** At most this many values of an axis are listed in the text form (then "…" and the last ones). */
const SHOWN_VALUES = 12;

function valuesText(values: readonly GridValue[]): string {
  const show = (v: GridValue): string => String(v);
  if (values.length <= SHOWN_VALUES) return values.map(show).join(', ');
  const head = values.slice(0, SHOWN_VALUES - 2).map(show);
  const tail = values.slice(-2).map(show);
  return `${head.join(', ')}, …, ${tail.join(', ')}`;
}

function inline(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${inline(x)}`)
      .join(', ')} }`;
  }
  return String(v);
}

/** The summary as lines for a terminal (the trial list is left to `--format json`). */
export function summaryText(s: SweepSummary): string[] {
  const lines = [
    `sweep ${s.sweep_id} (${s.config})`,
    `trials: ${s.trial_count}`,
    s.axes.length === 0 ? 'axes: none (one trial)' : `axes (${s.axes.length}, the first varies slowest):`,
  ];
  for (const a of s.axes) {
    const field = a.field === a.name ? '' : ` (${a.field})`;
    lines.push(
      `  ${a.name}${field}: ${valuesText(a.values)}  [${a.values.length} value${a.values.length === 1 ? '' : 's'}]`,
    );
  }
  lines.push('fixed:');
  for (const [section, v] of Object.entries(s.fixed)) lines.push(`  ${section}: ${inline(v)}`);
  lines.push(`output: ${s.output}`);
  return lines;
}
