/** How problem messages show a value found in a config. */

/** Longer strings are cut (a message names the value, it need not repeat a pasted paragraph). */
const MAX_SHOWN = 60;

/** A value as a problem message shows it. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return `'${v.length > MAX_SHOWN ? `${v.slice(0, MAX_SHOWN - 1)}…` : v}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}
