/**
 * Turns zod issues into config problems in words: the field path, what was expected and what was
 * found, and a did-you-mean for unknown fields and enum values.
 */
import type * as z from 'zod';
import { didYouMean, suggest } from './did-you-mean.js';
import { describe } from './describe.js';
import { hasPath, valueAt } from './locations.js';

type Segment = string | number;

/** A problem at a YAML path, before it is given a file position. */
export interface PathProblem {
  path: Segment[];
  message: string;
  /** Point at the mapping key (unknown fields) rather than the value. */
  at?: 'key' | 'value';
}

interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  options?: { _zod: { def: Def } }[];
  discriminator?: string;
  element?: { _zod: { def: Def } };
}

/** The schema node reached by following `path` through the raw value (discriminated unions pick their option). */
function defAt(schema: z.ZodType, path: readonly Segment[], raw: unknown): Def | undefined {
  let def: Def | undefined = (schema as unknown as { _zod: { def: Def } })._zod.def;
  let value = raw;
  const unwrap = (d: Def | undefined): Def | undefined => {
    let cur = d;
    for (;;) {
      if (!cur) return undefined;
      if (cur.innerType) cur = cur.innerType._zod.def;
      else if (cur.type === 'pipe' && cur.in) cur = cur.in._zod.def;
      else if (cur.type === 'union' && cur.discriminator && cur.options) {
        const kind = valueAt(value, [cur.discriminator]);
        const match: Def | undefined = cur.options
          .map((o) => unwrap(o._zod.def))
          .find((o) => {
            const lit = o?.shape?.[cur!.discriminator!]?._zod.def as { values?: unknown[] } | undefined;
            return lit?.values?.includes(kind);
          });
        return match;
      } else return cur;
    }
  };
  def = unwrap(def);
  for (const seg of path) {
    if (!def) return undefined;
    if (def.type === 'object' && def.shape) def = def.shape[String(seg)]?._zod.def;
    else if (def.type === 'array' && def.element) def = def.element._zod.def;
    else return undefined;
    value = valueAt(value, [seg]);
    def = unwrap(def);
  }
  return def;
}

/** Field names the schema allows at `path` (empty when unknown). */
export function knownFields(schema: z.ZodType, path: readonly Segment[], raw: unknown): string[] {
  const def = defAt(schema, path, raw);
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

const dotted = (p: readonly Segment[]): string => p.join('.');

function oneOf(values: readonly unknown[]): string {
  return values.map((v) => String(v)).join(', ');
}

/** The message for a bad or missing value that should be one of `values`. */
export function enumMessage(values: readonly unknown[], found: unknown, present: boolean): string {
  if (!present) return `missing (expected one of ${oneOf(values)})`;
  const hint = typeof found === 'string' ? didYouMean(found, values.map(String)) : '';
  return `expected one of ${oneOf(values)}, found ${describe(found)}${hint}`;
}

/** The problems zod found in `raw`, in words. */
export function issuesToProblems(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], raw: unknown): PathProblem[] {
  const out: PathProblem[] = [];
  const seenPaths = new Set<string>();
  for (const issue of issues) {
    const path = issue.path.filter((s): s is Segment => typeof s !== 'symbol');
    // One problem per value: zod may add a length check's issue after a type error at the same place.
    if (issue.code !== 'unrecognized_keys') {
      const key = JSON.stringify(path);
      if (seenPaths.has(key)) continue;
      seenPaths.add(key);
    }
    const found = valueAt(raw, path);
    const present = hasPath(raw, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownFields(schema, path, raw);
        for (const key of issue.keys) {
          const hint = didYouMean(key, known);
          const where = path.length ? ` in ${dotted(path)}` : '';
          out.push({
            path: [...path, key],
            at: 'key',
            message: `unknown field '${key}'${where}${hint || (known.length ? `; known fields: ${known.join(', ')}` : '')}`,
          });
        }
        break;
      }
      case 'invalid_value':
        out.push({ path, message: enumMessage(issue.values, found, present) });
        break;
      case 'invalid_union': {
        const disc = issue as { discriminator?: string; options?: unknown[] };
        if (disc.discriminator && disc.options) {
          // The rest of the section still has its own problems: report them against the closest kind.
          const closest = closestKind(schema, path, disc.options, raw);
          const named = typeof found === 'string' && suggest(found, disc.options.map(String)) !== undefined;
          const asKind =
            closest.problems.length > 0 && !named
              ? ` (the rest of ${dotted(path.slice(0, -1))} is checked as '${closest.kind}')`
              : '';
          out.push({ path, message: enumMessage(disc.options, found, present) + asKind });
          for (const p of closest.problems) {
            const key = JSON.stringify(p.path);
            if (p.at !== 'key' && seenPaths.has(key)) continue;
            seenPaths.add(key);
            out.push(p);
          }
        } else {
          out.push({ path, message: expectedFound(issue.message, found, present) });
        }
        break;
      }
      case 'custom':
        out.push({ path, message: issue.message });
        break;
      default:
        out.push({ path, message: expectedFound(issue.message, found, present) });
    }
  }
  return out;
}

/** `raw` with the value at `path` replaced (a copy; `raw` is untouched). */
function withValueAt(raw: unknown, path: readonly Segment[], value: unknown): unknown {
  const copy = structuredClone(raw) as Record<string | number, unknown>;
  let cur = copy;
  for (const seg of path.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
  cur[path[path.length - 1]] = value;
  return copy;
}

/**
 * The problems of the section holding the bad discriminator at `kindPath`, validated as the closest
 * kind: the one the misspelling suggests, else the one with the fewest problems (ties: the first).
 */
function closestKind(
  schema: z.ZodType,
  kindPath: Segment[],
  kinds: readonly unknown[],
  raw: unknown,
): { kind: string; problems: PathProblem[] } {
  const section = kindPath.slice(0, -1);
  const sec = valueAt(raw, section);
  if (sec === null || typeof sec !== 'object' || Array.isArray(sec)) return { kind: '', problems: [] };
  const within = (p: readonly PropertyKey[]): boolean =>
    p.length >= section.length &&
    section.every((s, i) => p[i] === s) &&
    !(p.length === kindPath.length && p[p.length - 1] === kindPath[kindPath.length - 1]);
  const found = valueAt(raw, kindPath);
  const named = typeof found === 'string' ? suggest(found, kinds.map(String)) : undefined;
  const candidates = named !== undefined ? [named] : kinds;
  let best: { kind: string; problems: PathProblem[] } | undefined;
  for (const kind of candidates) {
    const patched = withValueAt(raw, kindPath, kind);
    const r = schema.safeParse(patched);
    const issues = r.success ? [] : r.error.issues.filter((i) => within(i.path));
    const problems = issuesToProblems(schema, issues, patched);
    if (best === undefined || problems.length < best.problems.length) best = { kind: String(kind), problems };
  }
  return best ?? { kind: '', problems: [] };
}

/** zod's names of JavaScript types as a YAML user would say them. */
const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

function expectedFound(expected: string, found: unknown, present: boolean): string {
  // Every leaf of the schema words its message as the object of "expected"; zod's own wording
  // otherwise ("Invalid input: expected object, received number"), reworded.
  const zodType = /^invalid input: expected (\w+)(?:, received .+)?$/i.exec(expected);
  const phrase = zodType
    ? (TYPE_WORDS[zodType[1]] ?? zodType[1])
    : /^invalid /i.test(expected)
      ? expected.replace(/^invalid input: /i, '').toLowerCase()
      : expected;
  if (!present) return `missing (expected ${phrase})`;
  return `expected ${phrase}, found ${describe(found)}`;
}
