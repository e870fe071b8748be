/**
 * No two folders import each other at run time, directly or through others (docs/architecture.md,
 * "Layers"): the graph is of the folders the CLI runs — each top-level layer, and each area of src/
 * (a file at the root of src/ counts as its own area) — with an edge for every relative
 * `import … from`, `export … from`, `import '…'` and `import()` that is not `import type`/`export type`.
 * Type-only imports are left out: they vanish at compile time (the workflow's `typeof activities`).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../helpers/python.js';

type Graph = Map<string, Map<string, string[]>>;

/** The folder a file or import belongs to: `cli`, `src/config`, `src/errors` (for src/errors.ts and '../errors.js'). */
function areaOf(file: string): string {
  const [top, second] = file.split('/');
  return top === 'src' ? `src/${second.replace(/\.[jt]s$/, '')}` : top;
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourcesUnder(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

const RUNTIME_IMPORT =
  /(?:^|[\s;])(?:import|export)\s+(?!type[\s{])[^'";]*?from\s*'(\.\.?\/[^']+)'|import\(\s*'(\.\.?\/[^']+)'\s*\)|(?:^|[\s;])import\s*'(\.\.?\/[^']+)'/g;

/** Area → area → the imports (file -> specifier) that make the edge. */
function importGraph(files: readonly string[], read: (file: string) => string): Graph {
  const graph: Graph = new Map();
  for (const file of files) {
    for (const m of read(file).matchAll(RUNTIME_IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const from = areaOf(file);
      const to = areaOf(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
      if (from === to) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges);
      edges.set(to, [...(edges.get(to) ?? []), `${file} -> ${spec}`]);
    }
  }
  return graph;
}

/** The strongly connected components of more than one area (Tarjan): each is a cycle. */
function cycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

test('no folder imports another that imports it back at run time', async () => {
  const { SOURCE_DIRS } = (await import(path.join(ROOT, 'bin', 'compiled.js'))) as { SOURCE_DIRS: string[] };
  const graph = importGraph(SOURCE_DIRS.flatMap(sourcesUnder), (f) => readFileSync(path.join(ROOT, f), 'utf8'));
  const found = cycles(graph).map((c) =>
    [
      c.join(' ↔ '),
      ...c.flatMap((a) => [...(graph.get(a) ?? [])].filter(([b]) => c.includes(b)).map(([, why]) => `  ${why[0]}`)),
    ].join('\n'),
  );
  assert.deepEqual(found, [], `folder cycles:\n${found.join('\n')}`);
});

test('the check finds a planted cycle, through multi-line, dynamic, side-effect and re-export imports, and ignores type-only imports', () => {
  const files: Record<string, string> = {
    'src/a/x.ts': "import {\n  y,\n  z,\n} from '../b/y.js';\nimport type { T } from '../c/t.js';\n",
    'src/b/y.ts': "export const y = () => import('../a/x.js');\n",
    'src/c/t.ts': "import { x } from '../a/x.js';\nexport type T = number;\n",
    'src/d/u.ts': "import '../e/v.js';\n",
    'src/e/v.ts': "export { u } from '../d/u.js';\n",
    'src/f.ts': "import { g } from './g/w.js';\n",
    'src/g/w.ts': "import { f } from '../f.js';\n",
  };
  const graph = importGraph(Object.keys(files), (f) => files[f]);
  assert.deepEqual(cycles(graph), [
    ['src/a', 'src/b'],
    ['src/d', 'src/e'],
    ['src/f', 'src/g'],
  ]);
});
