/**
 * The embedded Temporal server: `temporal server start-dev` with its SQLite database inside the
 * run folder (RUN/.temporal/temporal.db), so a sweep interrupted in any way — Ctrl-C, the CLI or
 * the server killed, a reboot — is still in that database when `ntk-sweep resume` restarts it.
 *
 * The server runs in its own process group: Ctrl-C in the terminal reaches the CLI only, which
 * stops its workers first and the server last. Its pid and address are kept in
 * RUN/.temporal/server.json, so a later command finds a server that is still up (for example
 * after the CLI itself was killed) and uses it instead of starting a second one on the same file.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import { writeFileAtomic } from '../src/io/atomic-write.js';
import { connectClient, DEFAULT_NAMESPACE } from '../connection/connect.js';
import { TemporalSetupError } from '../connection/errors.js';
import { serverDir as runFolderServerDir } from '../src/tables/run-folder.js';
import type { DiskFullError } from '../src/errors.js';
import { fullDiskUnder } from '../src/io/disk-full.js';

/** RUN/.temporal: the embedded server's database, log and record. */
export function serverDir(runDir: string): string {
  return runFolderServerDir(runDir);
}

/** RUN/.temporal/temporal.db: the embedded server's SQLite database. */
export function serverDbFile(runDir: string): string {
  return path.join(serverDir(runDir), 'temporal.db');
}

/**
 * A full disk under the embedded server's database, or undefined. SQLite on a full disk fails
 * every write, and the server then answers nothing (it logs the error): the watcher asks this when
 * the sweep has gone quiet.
 */
export function serverDiskFull(runDir: string): DiskFullError | undefined {
  return fullDiskUnder(serverDbFile(runDir));
}

const SQLITE_HEADER = 'SQLite format 3\0';

/**
 * Why the run's server database cannot be used (empty, not SQLite, unreadable), or undefined when
 * it looks sound or does not exist yet. A launch that died while the server created it leaves an
 * empty file, on which the server would never start again.
 */
export function damagedDatabase(runDir: string): string | undefined {
  const file = serverDbFile(runDir);
  if (!existsSync(file)) return undefined;
  try {
    if (statSync(file).size === 0) return 'empty (0 bytes)';
    const fd = openSync(file, 'r');
    const head = Buffer.alloc(SQLITE_HEADER.length);
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    return head.toString('latin1') === SQLITE_HEADER ? undefined : 'not an SQLite database';
  } catch (e) {
    return `unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}

/** What the server's log says when it could not use its database (schema missing, file damaged). */
export const DATABASE_FAULT = /no such table|malformed|file is not a database|SQLITE_CORRUPT|SQLITE_NOTADB/i;

/**
 * Moves a damaged database (and its -wal and -shm files) aside, so that the next server starts on
 * a new one; returns where it went. The sweep's state is rebuilt from the run folder's tables.
 */
export function setDatabaseAside(runDir: string): string {
  const file = serverDbFile(runDir);
  const aside = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
  }
  return aside;
}

export interface ServerRecord {
  pid: number;
  address: string;
  /** The web UI, when it was asked for. */
  uiUrl?: string;
  /** The CLI process that started it and stops it at the end. */
  ownerPid: number;
  startedAt: string;
}

export interface DevServer extends ServerRecord {
  /** Stops the server (SIGTERM, then SIGKILL after `graceMs`) and removes the record. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  cliPath: string;
  runDir: string;
  /** gRPC port; a free one when absent. */
  port?: number;
  /** Serve the web UI on this port. */
  uiPort?: number;
  readyTimeoutMs?: number;
}

/** A free TCP port on 127.0.0.1 (asked from the kernel; released before the server takes it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function recordFile(runDir: string): string {
  return path.join(serverDir(runDir), 'server.json');
}

/** The record of the run's server when that process is still alive. */
export function readServerRecord(runDir: string): ServerRecord | undefined {
  let rec: ServerRecord;
  try {
    rec = JSON.parse(readFileSync(recordFile(runDir), 'utf8')) as ServerRecord;
  } catch {
    return undefined;
  }
  return isAlive(rec.pid) ? rec : undefined;
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts the run's dev server and waits until it answers. Throws {@link TemporalSetupError} with its log when it cannot start. */
export async function startDevServer(opts: StartOptions): Promise<DevServer> {
  const dir = serverDir(opts.runDir);
  mkdirSync(dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  const logFile = path.join(dir, 'server.log');
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    serverDbFile(opts.runDir),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    DEFAULT_NAMESPACE,
    '--log-level',
    'warn',
    // No network calls home from a local server.
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    ...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']),
  ];
  const log = openSync(logFile, 'a');
  const child = spawn(opts.cliPath, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  let exited: string | undefined;
  child.on('exit', (code, signal) => void (exited = signal ?? `exit code ${code}`));
  child.on('error', (e) => void (exited = e.message));

  const failed = (why: string): TemporalSetupError => {
    if (child.pid && !exited) process.kill(-child.pid, 'SIGKILL');
    const logTail = tail(logFile);
    return new TemporalSetupError(
      `the embedded Temporal server (${opts.cliPath}) did not start: ${why}` + (logTail ? `\n${logTail}` : ''),
    );
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw failed(`it stopped (${exited}); its log is ${logFile}`);
    try {
      // A gRPC connect to a port nobody listens on yet waits out its deadline (its retry backoff
      // starts at a second); a TCP connect is refused at once, so poll that until the port opens.
      if (!(await accepts(port))) throw new Error('not listening yet');
      const c = await connectClient({ address }, 1000);
      await c.close();
      break;
    } catch {
      if (Date.now() > deadline) throw failed(`no answer on ${address} within ${opts.readyTimeoutMs ?? 60_000} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const record: ServerRecord = {
    pid: child.pid!,
    address,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    ownerPid: process.pid,
    startedAt: new Date().toISOString(),
  };
  writeFileAtomic(recordFile(opts.runDir), `${JSON.stringify(record, null, 2)}\n`);
  return { ...record, stop: (graceMs) => stopServer(opts.runDir, record, () => exited !== undefined, graceMs) };
}

/** Whether something accepts TCP connections on `host`:`port` (a refusal answers at once). */
export function accepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stopServer(
  runDir: string,
  rec: ServerRecord,
  hasExited: () => boolean,
  graceMs = 10_000,
): Promise<void> {
  const gone = (): boolean => hasExited() || !isAlive(rec.pid);
  if (!gone()) {
    try {
      process.kill(-rec.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    const deadline = Date.now() + graceMs;
    while (!gone() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (!gone()) {
      try {
        process.kill(-rec.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  rmSync(recordFile(runDir), { force: true });
}

/** Takes over a server that is still running from an earlier command on this run folder. */
export function adoptDevServer(runDir: string, rec: ServerRecord): DevServer {
  const adopted = { ...rec, ownerPid: process.pid };
  writeFileAtomic(recordFile(runDir), `${JSON.stringify(adopted, null, 2)}\n`);
  return { ...adopted, stop: (graceMs) => stopServer(runDir, adopted, () => false, graceMs) };
}
