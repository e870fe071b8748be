/**
 * Running `ntk-sweep` (bin/ntk-sweep.js) as a child process the way a user does, in a scratch
 * folder, with its output collected — and the scratch folders the integration tests work in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = path.join(ROOT, 'bin', 'ntk-sweep.js');
export const FIXTURES = path.join(ROOT, 'test', 'integration', 'fixtures');

export interface CliRun {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  done: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** What it has printed so far. */
  output(): { stdout: string; stderr: string };
}

/** Starts `ntk-sweep ...args` in `cwd`; never rejects. */
export function startCli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, NODE_OPTIONS: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) =>
      child.on('close', (status, signal) => {
        clearTimeout(timer);
        resolve({ status, signal, stdout, stderr });
      }),
  );
  return { child, done, output: () => ({ stdout, stderr }) };
}

/** A line of a JavaScript stack trace (`    at fn (file:line:col)`), or an error printed by its name. */
export const STACK_LINE = /^\s+at \S|^\w*Error: /m;

/** Runs `ntk-sweep ...args` to its end. */
export async function runCli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }) {
  return startCli(args, opts).done;
}

/** A scratch folder holding a copy of the fixture config `name`. */
export function workdirWith(name: string, root = tmpdir()): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(root, 'ntk-orch-'));
  const config = path.join(dir, name);
  copyFileSync(path.join(FIXTURES, name), config);
  return { dir, config };
}

/** /dev/shm when it exists: trial tables are fsynced file by file, which tmpfs makes free. */
export function fastTmp(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/** The .parquet files of one table folder of a run. */
export function tableFiles(runDir: string, table: string): string[] {
  const dir = path.join(runDir, table);
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.parquet') && !f.startsWith('.'))
        .sort()
    : [];
}

/** Polls `check` every `everyMs` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 120_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
