// `npm run build`: compiles the sources the CLI runs (bin/compiled.js's SOURCE_DIRS) to dist/, file
// by file with esbuild (the TypeScript transpiler tsx itself uses; `npm run typecheck` checks the
// types), and writes dist/sources.json, which bin/ntk-sweep.js compares to decide dist/ is current.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { DIST, listSources, makeStamp, STAMP } from '../bin/compiled.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const files = listSources(root);
// The stamp describes the sources as read before compiling: an edit during the build leaves it stale.
const stamp = makeStamp(root, files);
const out = path.join(root, DIST);
rmSync(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: files,
  outdir: DIST,
  outbase: '.',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
writeFileSync(path.join(out, STAMP), `${JSON.stringify(stamp)}\n`);
console.log(`build: ${files.length} files compiled to ${DIST}/`);
