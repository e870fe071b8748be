/**
 * Finding the Temporal CLI (`temporal`), which runs the embedded dev server. The order is the
 * setup script's (scripts/setup.sh):
 *   1. TEMPORAL_CLI_PATH, when set (an explicit choice: a missing file there is an error);
 *   2. `temporal` on PATH;
 *   3. `.cache/bin/temporal`, built by the setup script with `go install …/temporal@v1.5.1`;
 *   4. a copy downloaded earlier by the Temporal SDK into `.cache/temporal-sdk/`;
 *   5. the SDK's download (needs internet; off with NTK_SWEEP_TEMPORAL_DOWNLOAD=0).
 * With none of these, {@link TemporalSetupError} says exactly how to get one.
 *
 * Run as a script (`tsx orchestration/temporal-cli.ts`) it prints the path it finds, downloading
 * through the SDK if it must: the setup script's last resort.
 */
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitCodeOf } from '../src/exit-codes.js';
import { TemporalSetupError } from '../connection/errors.js';
import { cacheDir, projectRoot } from '../src/project-root.js';

/** The CLI version the setup script builds (newer tags cannot be `go install`ed). */
export const TEMPORAL_CLI_VERSION = '1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/** The project root (this file is in orchestration/, or in its compiled copy under dist/). */
export const PROJECT_ROOT = projectRoot();

export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'setup' | 'sdk-download';

export interface TemporalCli {
  path: string;
  source: TemporalCliSource;
}

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  /** Try the SDK download when nothing local is found (default: unless NTK_SWEEP_TEMPORAL_DOWNLOAD=0). */
  download?: boolean;
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH. */
function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (isExecutable(file)) return file;
  }
  return undefined;
}

/** A binary the SDK downloaded earlier (its name is temporal-<sdk>-<version>). */
function sdkDownloaded(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const found = readdirSync(dir)
    .filter((f) => f.startsWith('temporal-') && !f.endsWith('.downloading'))
    .map((f) => path.join(dir, f))
    .filter(isExecutable)
    .sort();
  return found.at(-1);
}

/** Where a local Temporal CLI is, without downloading; undefined when there is none. */
export function findLocalTemporalCli(env: NodeJS.ProcessEnv = process.env): TemporalCli | undefined {
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new TemporalSetupError(
        `TEMPORAL_CLI_PATH is set to ${explicit}, which is not an executable file; ` +
          'point it at the `temporal` binary, or unset it to search PATH and .cache/bin',
      );
    }
    return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath('temporal', env);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const built = path.join(cacheDir(env), 'bin', 'temporal');
  if (isExecutable(built)) return { path: built, source: 'setup' };
  const downloaded = sdkDownloaded(path.join(cacheDir(env), 'temporal-sdk'));
  if (downloaded) return { path: downloaded, source: 'sdk-download' };
  return undefined;
}

/** How to get the CLI, for the message when there is none. */
export function howToGetTemporalCli(): string {
  return [
    'the Temporal CLI (`temporal`) is needed to run the embedded Temporal server, and none was found. Get it in one of these ways:',
    `  - with Go installed: bash scripts/setup.sh (it runs: GOBIN=$PWD/.cache/bin go install ${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION})`,
    '  - download it from https://docs.temporal.io/cli#install (or `brew install temporal`), then put `temporal` on PATH or set TEMPORAL_CLI_PATH=/path/to/temporal',
    '  - with internet access, let the Temporal SDK download it: unset NTK_SWEEP_TEMPORAL_DOWNLOAD (or set it to 1)',
    '  - or use a Temporal server that is already running: ntk-sweep run CONFIG.yaml --address HOST:PORT',
  ].join('\n');
}

/**
 * The Temporal CLI to run, downloading it through the SDK as a last resort.
 * Throws {@link TemporalSetupError} with {@link howToGetTemporalCli} when there is none.
 */
export async function findTemporalCli(opts: FindOptions = {}): Promise<TemporalCli> {
  const env = opts.env ?? process.env;
  const local = findLocalTemporalCli(env);
  if (local) return local;
  const download = opts.download ?? env.NTK_SWEEP_TEMPORAL_DOWNLOAD !== '0';
  let why = 'the SDK download is off (NTK_SWEEP_TEMPORAL_DOWNLOAD=0)';
  if (download) {
    try {
      return { path: await downloadWithSdk(path.join(cacheDir(env), 'temporal-sdk')), source: 'sdk-download' };
    } catch (e) {
      why = `the SDK download failed: ${(e as Error).message.split('\n')[0]}`;
    }
  }
  throw new TemporalSetupError(`${howToGetTemporalCli()}\n(${why})`);
}

/**
 * Lets the Temporal SDK download its default CLI into `dir`. The SDK downloads only as part of
 * starting a server, so a throwaway in-memory server is started and stopped.
 */
async function downloadWithSdk(dir: string): Promise<string> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir: dir } },
  });
  await env.teardown();
  const file = sdkDownloaded(dir);
  if (!file) throw new Error(`the SDK started a server but left no binary in ${dir}`);
  return file;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const cli = await findTemporalCli();
    process.stdout.write(`${cli.path}\n`);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = exitCodeOf((e as Error).name);
  }
}
