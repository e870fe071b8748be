/**
 * docker-compose.yml's production topology without Docker, for integration tests: PostgreSQL on a
 * private port and data folder, Temporal's schemas set up by the compose file's own schema script,
 * the Temporal server (built by scripts/setup.sh at the compose file's pinned version) with the
 * compose file's environment and dynamic config, the namespace registered by the compose file's
 * namespace script, and one `ntk-sweep worker` process per worker service of the compose file.
 * What the compose file says is read from it (compose-topology.ts); only what must differ outside
 * a container is overridden: addresses and ports (127.0.0.1 and free ports), the schema folder and
 * tool paths, and the GPU worker's backend (wasm: CI has no GPU).
 *
 * Each piece can be killed and restarted (the fault tests); `stop()` ends everything, and the
 * processes are also ended if the test process exits without it.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { connectClient, type ConnectedClient } from '../../../connection/connect.js';
import { accepts, isAlive } from '../../../orchestration/dev-server.js';
import { findTemporalCli } from '../../../orchestration/temporal-cli.js';
import { ROOT } from '../../helpers/python.js';
import { startCli, waitFor, type CliRun } from './cli.js';
import { readComposeTopology, withFlag, type ComposeTopology, type ScriptStep } from './compose-topology.js';

/** Where scripts/setup.sh puts the server, its SQL tool and its schemas. */
const CACHE = process.env.NTK_SWEEP_CACHE_DIR ?? path.join(ROOT, '.cache');
export const SERVER_BIN = path.join(CACHE, 'bin', 'temporal-server');
export const SQL_TOOL_BIN = path.join(CACHE, 'bin', 'temporal-sql-tool');
export const SCHEMA_DIR = path.join(CACHE, 'temporal-server', 'schema');

/** What the harness ran, for the test that it is what the compose file runs. */
export interface Ran {
  schemaScript: string;
  dynamicConfig: string;
  namespaceScript: string;
  serverVersion: string;
  /** The worker processes started with the topology: their compose service and `ntk-sweep` arguments. */
  workers: { service: string; args: string[] }[];
}

export interface Topology {
  compose: ComposeTopology;
  address: string;
  client: Client;
  ran: Ran;
  /** The worker processes by identity (the compose service's name, with `#n` for a replacement). */
  workers: Map<string, CliRun>;
  killServer(): Promise<void>;
  startServer(): Promise<void>;
  /** PostgreSQL stopped at once (`pg_ctl stop -m immediate`: no shutdown checkpoint, recovery on start), down for `downMs`, started again. */
  restartPostgres(downMs: number): Promise<void>;
  killWorker(identity: string): Promise<void>;
  startWorker(service: string, identity: string): Promise<CliRun>;
  /** The server's log so far (for failure messages). */
  serverLog(): string;
  stop(): Promise<void>;
}

/** Why the topology cannot run here (scripts/setup.sh not run), or undefined. */
function missingPieces(): string | undefined {
  const missing = [SERVER_BIN, SQL_TOOL_BIN, SCHEMA_DIR].filter((f) => !existsSync(f));
  if (!pgBin()) missing.push('PostgreSQL (initdb, pg_ctl)');
  return missing.length ? `missing: ${missing.join(', ')}; run scripts/setup.sh` : undefined;
}

/** PostgreSQL's server programs: PG_BIN, else initdb on PATH, else Debian's newest /usr/lib/postgresql/<major>/bin. */
function pgBin(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return path.dirname(onPath);
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((d) => existsSync(path.join(root, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length ? path.join(root, majors[0], 'bin') : undefined;
}

/** The module version a Go binary was built from (`go version -m`), e.g. v1.31.0. */
function builtVersion(bin: string, module = 'go.temporal.io/server'): string | undefined {
  const r = spawnSync('go', ['version', '-m', bin], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[0] === 'mod' && f[1] === module)?.[2];
}

/** PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user. */
const asRoot = process.getuid?.() === 0;
function pgUser(): { uid: number; gid: number } | undefined {
  if (!asRoot) return undefined;
  const id = (flag: string): number =>
    Number(run('id', [flag, 'postgres'], "the postgres user (Debian's package creates it)"));
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A free TCP port below 32768: the server records its membership ports in a PostgreSQL smallint,
 * so the kernel's ephemeral ports (32768 and up) are refused there.
 */
async function freeLowPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
}

/** A script run by `sh` to its end, without blocking the event loop (the server it waits for must be watched meanwhile). */
function runScript(script: string, env: NodeJS.ProcessEnv, what: string, timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('sh', [script], { env, timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${what} failed (${err.message.split('\n')[0]}):\n${stdout}\n${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

function run(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0)
    throw new Error(`${what} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

/** A PostgreSQL program of `bin`, run as the postgres user when we are root. */
function pg(bin: string, prog: string, args: string[], what: string): string {
  const exe = path.join(bin, prog);
  return asRoot ? run('runuser', ['-u', 'postgres', '--', exe, ...args], what) : run(exe, args, what);
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export interface TopologyOptions {
  /** Extra flags for every worker (e.g. --grace 1). */
  workerFlags?: string[];
}

export async function startTopology(opts: TopologyOptions = {}): Promise<Topology> {
  const why = missingPieces();
  if (why) throw new Error(`the production topology cannot run: ${why}`);
  const compose = readComposeTopology();
  const serverVersion = builtVersion(SERVER_BIN);
  if (serverVersion !== `v${compose.temporalVersion}`) {
    throw new Error(
      `${SERVER_BIN} is ${serverVersion}, docker-compose.yml pins ${compose.temporalVersion}: run scripts/setup.sh`,
    );
  }
  const cli = await findTemporalCli();
  const bin = pgBin()!;
  const home = mkdtempSync(path.join(tmpdir(), 'ntk-topology-'));
  chmodSync(home, 0o755); // the postgres user walks into it
  const cleanups: (() => Promise<void> | void)[] = [];
  const onExit = (): void =>
    void cleanups
      .slice()
      .reverse()
      .forEach((c) => {
        try {
          void c();
        } catch {
          // Best effort at exit.
        }
      });
  // Also when the test process is stopped (a cancelled run, a test runner's timeout): PostgreSQL
  // and the server are daemons that would outlive it.
  const onSignal = (signal: NodeJS.Signals): void => {
    onExit();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const watch = (on: boolean): void => {
    for (const [event, fn] of [
      ['exit', onExit],
      ['SIGINT', onSignal],
      ['SIGTERM', onSignal],
    ] as const) {
      if (on) process.on(event, fn);
      else process.off(event, fn);
    }
  };
  watch(true);

  // PostgreSQL, as the compose file's postgresql service: user and password from its environment.
  const pgDir = path.join(home, 'pg');
  mkdirSync(pgDir);
  const taken = new Set<number>();
  const pgPort = await freeLowPort(taken);
  const user = compose.schema.env.POSTGRES_USER;
  const password = compose.schema.env.SQL_PASSWORD;
  writeFileSync(path.join(pgDir, 'pwfile'), `${password}\n`);
  const owner = pgUser();
  if (owner) {
    chownSync(pgDir, owner.uid, owner.gid);
    chownSync(path.join(pgDir, 'pwfile'), owner.uid, owner.gid);
  }
  const data = path.join(pgDir, 'data');
  const pgLog = path.join(pgDir, 'postgres.log');
  const pgStart = (): void =>
    void pg(
      bin,
      'pg_ctl',
      [
        '-D',
        data,
        '-l',
        pgLog,
        '-w',
        '-t',
        '60',
        '-o',
        `-c listen_addresses=127.0.0.1 -c port=${pgPort} -c unix_socket_directories=${pgDir}`,
        'start',
      ],
      'pg_ctl start',
    );
  const pgStop = (mode: 'immediate' | 'fast'): void => {
    if (existsSync(path.join(data, 'postmaster.pid')))
      pg(bin, 'pg_ctl', ['-D', data, '-m', mode, '-w', 'stop'], 'pg_ctl stop');
  };

  let server: ChildProcess | undefined;
  const serverLogFile = path.join(home, 'temporal-server.log');
  const workers = new Map<string, CliRun>();
  let connected: ConnectedClient | undefined;

  const killServer = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (!s?.pid || s.exitCode !== null || s.signalCode !== null) return;
    const exited = new Promise((r) => s.once('exit', r));
    process.kill(-s.pid, 'SIGKILL');
    await exited;
  };
  const stopAll = async (): Promise<void> => {
    for (const w of workers.values())
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all([...workers.values()].map((w) => w.done));
    await connected?.close().catch(() => {});
    await killServer();
    try {
      pgStop('fast');
    } catch {
      pgStop('immediate');
    }
  };
  cleanups.push(() => {
    // Synchronous at process exit: whatever is still running.
    for (const w of workers.values()) if (w.child.pid && isAlive(w.child.pid)) w.child.kill('SIGKILL');
    if (server?.pid && isAlive(server.pid)) process.kill(-server.pid, 'SIGKILL');
    try {
      pgStop('immediate');
    } catch {
      // Already stopped.
    }
  });

  // Ports: the frontend's, and the ones every other service of a one-process server listens on.
  const ports: Record<string, string> = {};
  for (const name of [
    'FRONTEND_GRPC_PORT',
    'FRONTEND_HTTP_PORT',
    'FRONTEND_MEMBERSHIP_PORT',
    'HISTORY_GRPC_PORT',
    'HISTORY_MEMBERSHIP_PORT',
    'MATCHING_GRPC_PORT',
    'MATCHING_MEMBERSHIP_PORT',
    'WORKER_GRPC_PORT',
    'WORKER_MEMBERSHIP_PORT',
  ]) {
    ports[name] = String(await freeLowPort(taken));
  }
  const address = `127.0.0.1:${ports.FRONTEND_GRPC_PORT}`;
  const db = { POSTGRES_SEEDS: '127.0.0.1', DB_PORT: String(pgPort) };
  const toolPath = `${path.dirname(SQL_TOOL_BIN)}:${path.dirname(cli.path)}:${process.env.PATH}`;
  const runStep = (step: ScriptStep, env: Record<string, string>): Promise<string> =>
    runScript(
      step.script,
      { PATH: toolPath, HOME: home, ...step.env, ...env },
      `${step.service} (${path.relative(ROOT, step.script)})`,
    );

  const startServer = async (): Promise<void> => {
    const log = openSync(serverLogFile, 'a');
    // As the image's entrypoint: `temporal-server start`, configured by its embedded template from the environment.
    const child = spawn(SERVER_BIN, ['start'], {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: home,
      env: {
        PATH: process.env.PATH,
        ...compose.server.env,
        ...db,
        ...ports,
        BIND_ON_IP: '127.0.0.1',
        DYNAMIC_CONFIG_FILE_PATH: compose.server.dynamicConfig,
        LOG_LEVEL: 'warn',
      },
    });
    closeSync(log);
    server = child;
  };
  const waitServer = async (): Promise<void> => {
    await waitFor(
      `the Temporal server at ${address}`,
      async () => {
        if (!server || server.exitCode !== null)
          throw new Error(`the Temporal server stopped:\n${tail(serverLogFile)}`);
        // Until the port opens, a gRPC connect would wait out its deadline: ask TCP first.
        const i = address.lastIndexOf(':');
        if (!(await accepts(Number(address.slice(i + 1)), address.slice(0, i)))) return undefined;
        try {
          const c = await connectClient({ address }, 2000);
          await c.close();
          return true;
        } catch {
          return undefined;
        }
      },
      120_000,
      100,
    );
  };

  const startWorker = async (service: string, identity: string): Promise<CliRun> => {
    const w = compose.workers.find((x) => x.service === service);
    if (!w) throw new Error(`docker-compose.yml has no worker service ${service}`);
    let args = withFlag(w.args, '--address', address);
    // CI has no GPU: the GPU worker service runs its trials on wasm, still as its own process on its queues.
    if (args[args.indexOf('--backend') + 1] === 'webgpu') args = withFlag(args, '--backend', 'wasm');
    args = withFlag(args, '--identity', identity);
    for (let i = 0; i < (opts.workerFlags ?? []).length; i += 2)
      args = withFlag(args, opts.workerFlags![i], opts.workerFlags![i + 1]);
    const run = startCli(args, { cwd: home, timeoutMs: 3_600_000 });
    workers.set(identity, run);
    await waitFor(
      `worker ${identity} to start`,
      () => {
        if (run.child.exitCode !== null) throw new Error(`worker ${identity} exited: ${run.output().stderr}`);
        return /ntk-sweep worker \(pid/.test(run.output().stderr) ? true : undefined;
      },
      180_000,
    );
    return run;
  };

  try {
    pg(
      bin,
      'initdb',
      [
        '-D',
        data,
        '-U',
        user,
        `--pwfile=${path.join(pgDir, 'pwfile')}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
      ],
      'initdb',
    );
    pgStart();
    await runStep(compose.schema, { ...db, TEMPORAL_SCHEMA_DIR: SCHEMA_DIR });
    await startServer();
    const serverDown = new Promise<never>((_, reject) =>
      server!.once('exit', (code, signal) =>
        reject(new Error(`the Temporal server stopped (${signal ?? `exit ${code}`})`)),
      ),
    );
    serverDown.catch(() => {});
    await Promise.race([runStep(compose.namespace, { TEMPORAL_ADDRESS: address }), serverDown]);
    await waitServer();
    connected = await connectClient({ address });
    await Promise.all(compose.workers.map((w) => startWorker(w.service, w.service)));
  } catch (e) {
    const logs = `--- server log:\n${tail(serverLogFile)}\n--- postgres log:\n${tail(pgLog)}`;
    await stopAll();
    watch(false);
    rmSync(home, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\n${logs}`);
  }

  return {
    compose,
    address,
    client: connected.client,
    ran: {
      schemaScript: compose.schema.script,
      dynamicConfig: compose.server.dynamicConfig,
      namespaceScript: compose.namespace.script,
      serverVersion: serverVersion!,
      workers: [...workers.values()].map((w) => ({
        service: w.child.spawnargs[w.child.spawnargs.indexOf('--identity') + 1],
        args: w.child.spawnargs.slice(2),
      })),
    },
    workers,
    killServer,
    async startServer() {
      await startServer();
      await waitServer().catch((e: Error) => {
        throw new Error(`${e.message}\n--- server log:\n${tail(serverLogFile)}`);
      });
    },
    async restartPostgres(downMs: number) {
      pgStop('immediate');
      await new Promise((r) => setTimeout(r, downMs));
      pgStart();
    },
    async killWorker(identity: string) {
      const w = workers.get(identity);
      if (!w) throw new Error(`no worker ${identity}`);
      w.child.kill('SIGKILL');
      await w.done;
    },
    startWorker,
    serverLog: () => tail(serverLogFile, 200),
    async stop() {
      await stopAll();
      watch(false);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
