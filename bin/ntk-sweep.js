#!/usr/bin/env node
// Runs the CLI: the compiled JavaScript in dist/ when it is an up-to-date build of the sources
// (`npm run build`; bin/compiled.js decides, in a few milliseconds), else the TypeScript sources
// through tsx's loader (tsx is a dependency), so that `npx ntk-sweep …` works from a checkout with
// or without a build, and an edited source is never shadowed by an old build.
// NTK_SWEEP_FROM_SOURCE=1 forces the sources; NTK_SWEEP_DEBUG_START=1 says on stderr which ran.
// Exit codes: src/exit-codes.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleReason } from './compiled.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stale = staleReason(root);
if (process.env.NTK_SWEEP_DEBUG_START === '1') {
  process.stderr.write(
    `ntk-sweep: running ${stale === null ? 'dist/ (compiled)' : `the sources through tsx (${stale})`}\n`,
  );
}
let main;
if (stale === null) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
