/**
 * Command-line flags that set one trial's config fields (`--width 512 --lr 0.5`), shared by the
 * commands that compute one configuration (`kernel`, `trial`): their yargs options, the
 * assignments they make (checked by resolveTrial, problems reported under the flag's name), and
 * the notes on grid axes no flag set (those take their first value).
 */
import type { Argv } from 'yargs';
import type { Assignment, LoadedConfig } from '../src/config/loader.js';
import { PARAMETER_FLAGS, type ParameterFlag } from '../src/config/parameters.js';
import type { GridValue } from '../src/config/types.js';

/** The flags that set config fields, the fields they set, and their help (src/config/parameters.ts). */
export const FIELD_FLAGS = PARAMETER_FLAGS.map((f) => [f.flag, f.path, f.help] as const);

export type FieldFlag = ParameterFlag;
export type FieldFlagArgs = Partial<Record<FieldFlag, number>>;

/** Adds the field flags (numbers; the schema judges their values, cli/flag-conventions.ts refuses non-numbers); `describe` overrides their help. */
export function withFieldFlags<T>(
  y: Argv<T>,
  describe: Partial<Record<FieldFlag, string>> = {},
): Argv<T & FieldFlagArgs> {
  let out = y as Argv<T & FieldFlagArgs>;
  for (const [flag, , help] of FIELD_FLAGS)
    out = out.option(flag, { type: 'number', describe: describe[flag] ?? help }) as Argv<T & FieldFlagArgs>;
  return out;
}

/** The assignments the given flags make, each with its flag as origin. */
export function flagAssignments(args: FieldFlagArgs): Assignment[] {
  const out: Assignment[] = [];
  for (const [flag, field] of FIELD_FLAGS) {
    const value = args[flag];
    if (value !== undefined) out.push({ path: field, value, origin: `--${flag}` });
  }
  return out;
}

/** True when any field flag was given. */
export function anyFieldFlag(args: FieldFlagArgs): boolean {
  return FIELD_FLAGS.some(([flag]) => args[flag] !== undefined);
}

const describeValue = (v: GridValue): string => (typeof v === 'string' ? v : String(v));

/**
 * Notes for each grid axis no assignment sets: it takes its first value. `what` names the
 * command's unit ("the kernel command computes one configuration").
 */
export function unsetAxisNotes(loaded: LoadedConfig, assignments: readonly Assignment[], what: string): string[] {
  const notes: string[] = [];
  for (const axis of loaded.config.grid) {
    if (assignments.some((a) => a.path === axis.path)) continue;
    const flag = FIELD_FLAGS.find(([, field]) => field === axis.path)?.[0];
    const how = flag ? `choose another with --${flag}` : what;
    notes.push(
      `note: grid axis '${axis.name}' has ${axis.values.length} value${axis.values.length === 1 ? '' : 's'}; ` +
        `using the first, ${describeValue(axis.values[0])} (${how})`,
    );
  }
  return notes;
}
