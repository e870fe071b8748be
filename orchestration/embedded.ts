/**
 * The embedded default of `ntk-sweep run` (docs/design.md §8): the run folder's own Temporal dev server
 * (orchestration/dev-server.ts) and in-process workers on both queues, stopped at the end.
 *
 * One process at a time owns the server (the run folder's launch lock). When the run's server is
 * still up from an earlier command whose owner is gone (the CLI was killed), it is taken over; when
 * another live `ntk-sweep` owns it, this one only watches (a second `run` of the same sweep attaches
 * instead of starting a second server on the same file).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps, type SweepActivities } from '../activities/index.js';
import { onPool, poolText, startPool, type ExecutorPool } from '../executors/index.js';
import { diskFullError } from '../src/io/disk-full.js';
import { createSweepWorkers, runWorkers, shutdownWorkers } from '../workers/create-workers.js';
import { installWorkerRuntime } from '../workers/runtime.js';
import { connectWorker } from '../connection/connect.js';
import {
  adoptDevServer,
  damagedDatabase,
  DATABASE_FAULT,
  isAlive,
  readServerRecord,
  serverDbFile,
  setDatabaseAside,
  startDevServer,
  type DevServer,
} from './dev-server.js';
import { TemporalSetupError } from '../connection/errors.js';
import { tryLaunchLock } from './launch-lock.js';
import type { TemporalCli } from './temporal-cli.js';
import type { BackendName } from '../src/backend/select.js';
import { noteLine } from './progress.js';

export interface EmbeddedOptions extends ActivityDeps {
  runDir: string;
  cli: TemporalCli;
  /** Trials at once on the in-process GPU-queue worker. */
  concurrency: number;
  /** Trial executors (threads); default `concurrency`; 0 runs trials on the main thread. */
  executors?: number;
  uiPort?: number;
  /** Replaces the real activities (tests). */
  activities?: SweepActivities;
}

export interface Embedded {
  address: string;
  /** False when another live ntk-sweep process owns the server: this one only watches. */
  owner: boolean;
  uiUrl?: string;
  /** Shuts the workers down (in-flight trials get a short grace, then are cancelled) and stops the server. */
  stop(): Promise<void>;
  /** Rejects when a worker fails. */
  workersDone: Promise<void>;
  /** Where trials run (executors/index.ts poolText); absent when only watching. */
  trials?: string;
  /** Resolves when the process that owns the server is gone (only for a watcher: then take over). */
  ownerGone: Promise<void>;
}

const never = new Promise<void>(() => {});

/** Resolves once `pid` has exited (checked every half second; keeps no process alive). */
function exitOf(pid: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (isAlive(pid)) return;
      clearInterval(timer);
      resolve();
    }, 500);
    timer.unref();
  });
}

/**
 * The run's embedded server with in-process workers — or, when another live `ntk-sweep` holds the
 * run folder's launch lock (orchestration/launch-lock.ts), that process's server to watch: once it
 * answers when the other is still starting it, at once otherwise.
 */
export async function startEmbedded(opts: EmbeddedOptions): Promise<Embedded> {
  let waiting = false;
  for (;;) {
    const lock = tryLaunchLock(opts.runDir);
    if (lock.held) {
      try {
        return await ownEmbedded(opts, lock.release);
      } catch (e) {
        lock.release();
        throw e;
      }
    }
    const rec = readServerRecord(opts.runDir);
    if (rec && rec.ownerPid === lock.holder) {
      return {
        address: rec.address,
        owner: false,
        uiUrl: rec.uiUrl,
        stop: async () => {},
        workersDone: never,
        ownerGone: exitOf(lock.holder),
      };
    }
    if (!waiting) {
      noteLine(`another ntk-sweep (pid ${lock.holder}) is starting the server of ${opts.runDir}; waiting for it`);
      waiting = true;
    }
    // Until its server answers, or it lets go of the lock (then this one takes it).
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The server when this process holds the launch lock: adopted, or started (on a rebuilt database if it was damaged). */
async function ownEmbedded(opts: EmbeddedOptions, releaseLock: () => void): Promise<Embedded> {
  const existing = readServerRecord(opts.runDir);
  const server: DevServer = existing ? adoptDevServer(opts.runDir, existing) : await startOwnServer(opts);

  let workers: Worker[] = [];
  let connection: Awaited<ReturnType<typeof connectWorker>> | undefined;
  let pool: ExecutorPool | undefined;
  try {
    const size = opts.executors ?? opts.concurrency;
    if (!opts.activities && size > 0) pool = startPool(size, opts.backend);
    installWorkerRuntime({ logLevel: 'ERROR' });
    connection = await connectWorker({ address: server.address });
    workers = await createSweepWorkers({
      connection,
      queues: ['gpu', 'cpu'],
      concurrency: opts.concurrency,
      activities: opts.activities ?? createActivities({ backend: opts.backend, runner: pool && onPool(pool) }),
      identity: embeddedIdentity(process.pid),
    });
  } catch (e) {
    await connection?.close();
    await pool?.close();
    await server.stop();
    throw e;
  }
  const workersDone = runWorkers(workers);
  workersDone.catch(() => {});
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      shutdownWorkers(workers);
      await Promise.race([workersDone.catch(() => {}), new Promise((r) => setTimeout(r, 15_000).unref())]);
      await connection!.close().catch(() => {});
      await pool?.close();
      await server.stop();
      releaseLock();
    })());
  const trials = opts.activities ? undefined : poolText(pool);
  return { address: server.address, owner: true, uiUrl: server.uiUrl, stop, workersDone, trials, ownerGone: never };
}

/**
 * Chooses the in-process workers' backend now (the trials reuse the choice) and prints, once,
 * why `auto` skipped each backend before it: `webgpu skipped: no Vulkan loader (libvulkan.so.1); using wasm`.
 * A backend that cannot start at all is left for the trials to report, as on a cluster's workers.
 */
export async function noteBackendChoice(name: BackendName): Promise<void> {
  const { selectBackend, skippedNotes } = await import('../src/backend/select.js');
  let sel;
  try {
    sel = await selectBackend(name);
  } catch {
    return;
  }
  for (const line of skippedNotes(sel)) noteLine(line);
}

/**
 * Starts the run's server. A damaged database (empty, not SQLite, or one the server cannot open)
 * is set aside and replaced by a new one: the tables are the truth, so the sweep is planned again
 * from them and goes on.
 */
async function startOwnServer(opts: EmbeddedOptions): Promise<DevServer> {
  const start = () => startDevServer({ cliPath: opts.cli.path, runDir: opts.runDir, uiPort: opts.uiPort });
  const rebuild = (why: string): void => {
    const aside = setDatabaseAside(opts.runDir);
    noteLine(
      `the embedded server's database ${serverDbFile(opts.runDir)} was ${why}; moved it to ${path.basename(aside)} and started a new one. ` +
        `The sweep goes on from the tables in ${opts.runDir}: complete trials are kept, the others run again.`,
    );
  };
  const damage = damagedDatabase(opts.runDir);
  if (damage) rebuild(damage);
  try {
    return await start();
  } catch (e) {
    // The server's own words for a full disk (SQLite: "database or disk is full").
    if (e instanceof TemporalSetupError && /disk is full|SQLITE_FULL|no space left/i.test(e.message))
      throw diskFullError(serverDbFile(opts.runDir));
    const fault = e instanceof TemporalSetupError ? DATABASE_FAULT.exec(e.message) : null;
    if (!fault || !existsSync(serverDbFile(opts.runDir))) throw e;
    rebuild(`damaged (the server said: ${fault[0]})`);
    return start();
  }
}

const IDENTITY = /^ntk-sweep-run@(\d+)$/;

/** The identity of the in-process workers of the `ntk-sweep` process `pid`. */
export function embeddedIdentity(pid: number): string {
  return `ntk-sweep-run@${pid}`;
}

/**
 * Fails the attempts that in-process workers of a dead `ntk-sweep` process had started (the CLI
 * was killed, or stopped while a task was being handed to it), so that the server retries them
 * now instead of after their heartbeat timeout. Only embedded workers qualify: they ran on this
 * machine, so a pid that is gone means the attempt is gone. Returns how many were released.
 */
export async function releaseOrphanedTrials(client: Client, workflowId: string): Promise<number> {
  let d;
  try {
    d = await client.workflow.getHandle(workflowId).describe();
  } catch {
    return 0;
  }
  if (d.status.name !== 'RUNNING') return 0;
  let released = 0;
  for (const a of d.raw.pendingActivities ?? []) {
    const owner = IDENTITY.exec(a.lastWorkerIdentity ?? '');
    if (!owner || !a.activityId) continue;
    const pid = Number(owner[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    try {
      await client.activity.fail(
        { workflowId, runId: d.runId, activityId: a.activityId },
        new Error(`its worker (ntk-sweep pid ${pid}) stopped during the attempt`),
      );
      released++;
    } catch {
      // Not started (nothing to release) or finished meanwhile.
    }
  }
  return released;
}
