#!/usr/bin/env node
// Runs the TypeScript CLI from a checkout through tsx's ESM loader (tsx is a dependency), so that
// `npx ntk-sweep …` works without a build step. Exit codes: src/cli/exit-codes.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
