/**
 * `npm run bench`: every benchmark in turn, each printing its table and the ratios against its peer
 * (measured on this machine in this run). Pass names to run a subset: `npm run bench -- analytic`.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const names = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();

console.log(`# ntk-sweep benchmarks — ${new Date().toISOString()} — node ${process.version}`);
for (const name of names) {
  console.log(`\n## ${name}\n`);
  const mod = (await import(pathToFileURL(path.join(here, `${name}.ts`)).href)) as { run: () => Promise<void> };
  await mod.run();
}
