/**
 * Conventions every command shares, applied once by cli/main.ts: `--format json` is how JSON
 * output is asked for, with `--json` as its alias on every command that prints JSON; numeric flags
 * are numbers, and anything else is refused naming the flag and what was given.
 */
import type { Argv } from 'yargs';
import { UsageError } from './usage-error.js';

export interface JsonAliasArgs {
  json?: boolean;
}

/** Adds `--json`, the alias of `--format json` (the command defines --format with a json choice). */
/** The `run-dir` positional of the commands that read a run folder. */
export function withRunDir<T>(y: Argv<T>) {
  return y.positional('run-dir', { type: 'string', describe: 'run folder', demandOption: true });
}

export function withJsonAlias<T>(y: Argv<T>): Argv<T & JsonAliasArgs> {
  return y.option('json', { type: 'boolean', describe: 'same as --format json' }) as Argv<T & JsonAliasArgs>;
}

/** The text given for `--name` on the command line (`--name V` or `--name=V`), if any. */
function givenText(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === `--${name}`) return raw[i + 1];
    if (raw[i].startsWith(`--${name}=`)) return raw[i].slice(name.length + 3);
  }
  return undefined;
}

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * yargs middleware (before validation): refuses a numeric flag given something that is not a
 * number (yargs would pass NaN on), and folds `--json` into `--format json`, refusing it beside
 * another --format. Sets `json` whenever the format is json, for the code that reads that.
 */
export function flagConventions(raw: readonly string[]) {
  return (argv: Record<string, unknown>): void => {
    const bad = new Set<string>();
    for (const [key, value] of Object.entries(argv)) {
      if (typeof value === 'number' && Number.isNaN(value)) bad.add(kebab(key));
    }
    if (bad.size > 0) {
      const lines = [...bad]
        .sort()
        .map((name) => `ntk-sweep: --${name}: expected a number, found '${givenText(raw, name) ?? ''}'`);
      throw new UsageError(lines.join('\n'));
    }
    if (argv.json === true) {
      const format = givenText(raw, 'format');
      if (format !== undefined && format !== 'json')
        throw new UsageError(`ntk-sweep: --json is --format json; it cannot go with --format ${format}`);
      argv.format = 'json';
    }
    if (argv.format === 'json') argv.json = true;
  };
}
