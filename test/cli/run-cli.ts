/** Spawning the real `ntk-sweep` executable (bin/ntk-sweep.js) from the project root, as a user would. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/python.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/ntk-sweep.js ...args` in the project root (or in `opts.cwd`), with `opts.env` added. */
export function runCli(
  args: string[],
  timeoutMs = 120_000,
  { cwd = ROOT, env = {} }: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'ntk-sweep.js'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 1 << 28,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh empty folder for outputs. */
export function outDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ntk-cli-'));
}

/** Everything in a folder, hidden files included (to show nothing, not even a temporary file, was left). */
export function listing(dir: string): string[] {
  return readdirSync(dir).sort();
}
