/**
 * YAML parsing with source positions: the document, its plain-JavaScript value, the syntax
 * problems found, and the line and column of any field path (for located config problems).
 * Custom tags are off: the YAML 1.2 core schema only, and an unknown tag is a problem rather
 * than a string (docs/design.md §11).
 */
import {
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml';

/** 1-based position in the source. */
export interface Position {
  line: number;
  column: number;
}

/** A problem before the config can be read as data (syntax, tags, aliases). */
export interface SyntaxProblem extends Position {
  message: string;
}

export interface ParsedYaml {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain JavaScript; undefined when problems prevent reading it. */
  value: unknown;
  problems: SyntaxProblem[];
}

const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => YAML_TAG_PREFIX + t));

/** Aliases may expand to at most this many nodes (the yaml package's guard against "billion laughs"). */
const MAX_ALIAS_COUNT = 100;

/** Parses YAML source, collecting every syntax problem with its position. */
export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    schema: 'core',
    customTags: [],
    uniqueKeys: true,
    merge: false,
  });
  const at = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const problems: SyntaxProblem[] = [];
  let brokenStream = false;
  for (const e of doc.errors) {
    // Once the token stream breaks, every later token is "unexpected" too: report the first only.
    if (e.code === 'UNEXPECTED_TOKEN') {
      if (brokenStream) continue;
      brokenStream = true;
    }
    const message =
      e.code === 'DUPLICATE_KEY'
        ? 'duplicate key (each key may appear once in a mapping)'
        : e.code === 'MULTIPLE_DOCS'
          ? 'malformed YAML: a config is one document, found a second (---)'
          : `malformed YAML: ${lowerFirst(e.message)}`;
    problems.push({ ...at(e.pos[0]), message });
  }
  for (const w of doc.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED') {
      problems.push({ ...at(w.pos[0]), message: `${lowerFirst(w.message)}; custom YAML tags are not supported` });
    }
  }
  // The yaml package still resolves YAML 1.1 tags (!!binary, !!set, !!omap, …) under the core
  // schema; a config needs none of them, and they would reach the checks as Buffers, Sets and Maps.
  visit(doc, (_, node) => {
    const tag = (isScalar(node) || isMap(node) || isSeq(node)) && node.tag;
    // Local tags (!foo) are already reported as unresolved.
    if (tag && tag.startsWith(YAML_TAG_PREFIX) && !CORE_TAGS.has(tag) && node.range) {
      const short = `!!${tag.slice(YAML_TAG_PREFIX.length)}`;
      problems.push({
        ...at(node.range[0]),
        message: `the YAML tag ${short} is not supported (only plain values, lists and mappings)`,
      });
    }
  });
  if (problems.length > 0) return { doc, lineCounter, value: undefined, problems };

  // Unresolvable aliases make toJS throw; find them first so each is reported at its place.
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) === undefined && node.range) {
        problems.push({ ...at(node.range[0]), message: `the alias *${node.source} names no anchor defined before it` });
      }
    },
  });
  if (problems.length > 0) return { doc, lineCounter, value: undefined, problems };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    problems.push({ line: 1, column: 1, message: `malformed YAML: ${lowerFirst((e as Error).message)}` });
  }
  return { doc, lineCounter, value, problems };
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

type Segment = string | number;

function deref(doc: Document.Parsed, n: unknown): unknown {
  return isAlias(n) ? n.resolve(doc) : n;
}

/** The pair of a mapping whose key is `key`. */
function pairOf(map: unknown, key: string) {
  if (!isMap(map)) return undefined;
  return map.items.find((p) => isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === key);
}

function start(lc: LineCounter, n: Node | null | undefined): Position | undefined {
  if (!n?.range) return undefined;
  const p = lc.linePos(n.range[0]);
  return { line: p.line, column: p.col };
}

/**
 * Where a field path points in the source.
 * `value` (default): the value's first character, or its key when the value is empty.
 * `key`: the mapping key (for unknown fields).
 * A path that does not exist resolves to the key of its deepest existing ancestor
 * (a missing field is reported where its section is), or to 1:1 for the document itself.
 */
export function locate(parsed: ParsedYaml, path: readonly Segment[], target: 'key' | 'value' = 'value'): Position {
  const { doc, lineCounter: lc } = parsed;
  let node: unknown = deref(doc, doc.contents);
  let keyNode: Node | undefined;
  let consumed = 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = pairOf(node, String(seg));
      if (!pair) break;
      node = deref(doc, pair.value);
      keyNode = pair.key as Node;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = deref(doc, node.items[seg]);
      keyNode = undefined;
    } else {
      break;
    }
    consumed++;
  }
  const fallback: Position = { line: 1, column: 1 };
  if (consumed < path.length) {
    // Missing: point at the key of the section that lacks it (or the document's start).
    return start(lc, keyNode) ?? (consumed === 0 ? fallback : (start(lc, node as Node) ?? fallback));
  }
  if (target === 'key' && keyNode) return start(lc, keyNode) ?? fallback;
  const empty = node === null || node === undefined || (isScalar(node) && node.value === null && node.source === '');
  if (!empty) return start(lc, node as Node) ?? start(lc, keyNode) ?? fallback;
  return start(lc, keyNode) ?? fallback;
}

/** True when the path exists in the document (used to tell a missing field from a bad value). */
export function hasPath(value: unknown, path: readonly Segment[]): boolean {
  let v = value;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, String(seg))) return false;
    v = (v as Record<string, unknown>)[String(seg)];
  }
  return true;
}

/** The value at a path of a plain JavaScript value, or undefined. */
export function valueAt(value: unknown, path: readonly Segment[]): unknown {
  let v = value;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[String(seg)];
  }
  return v;
}

/** A field path as messages show it: `ntk.snapshots[2]`, `model.width`. */
export function formatPath(path: readonly Segment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
