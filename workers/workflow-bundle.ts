/**
 * The workflow code a worker runs, bundled once (webpack through the SDK's bundler takes seconds
 * on 2 cores) and kept in `.cache/workflow-bundles/<hash>.js`; the hash covers the workflow
 * sources and the SDK version, so an edit rebuilds it. Every `ntk-sweep run` and `worker` reuses it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { writeFileAtomic } from '../src/io/atomic-write.js';
import { cacheDir } from '../src/project-root.js';
import { projectRoot } from '../src/project-root.js';

/** The module a worker's workflowsPath names: always the TypeScript source, also when this file runs from dist/. */
export const WORKFLOWS_PATH = path.join(projectRoot(), 'workflows', 'index.ts');

function sdkVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('@temporalio/workflow/package.json') as { version: string }).version;
}

/** Hash of what the bundle is made of: every .ts file of workflows/ and the SDK version. */
function sourceHash(): string {
  const dir = path.dirname(WORKFLOWS_PATH);
  const h = createHash('sha256').update(sdkVersion());
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.ts'))
    .sort()) {
    h.update(f).update(readFileSync(path.join(dir, f)));
  }
  return h.digest('hex').slice(0, 16);
}

/** The path of the bundled workflow code, building it when the sources changed. */
export async function workflowBundlePath(): Promise<string> {
  const dir = path.join(cacheDir(), 'workflow-bundles');
  const file = path.join(dir, `${sourceHash()}.js`);
  if (existsSync(file)) return file;
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(file, code);
  return file;
}

/** The bundler logs webpack's statistics at info level; keep warnings and errors only. */
const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (msg: string) => console.warn(msg),
  error: (msg: string) => console.error(msg),
};
