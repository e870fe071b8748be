/**
 * The embedded default of `ntk-sweep run` (DESIGN §8): the run folder's own Temporal dev server
 * (orchestration/dev-server.ts) and in-process workers on both queues, stopped at the end.
 *
 * When the run's server is still up from an earlier command, it is reused: taken over when its
 * owner is gone (the CLI was killed), or only watched when another live `ntk-sweep` owns it (a
 * second `run` of the same sweep attaches instead of starting a second server on the same file).
 */
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps, type SweepActivities } from '../activities/index.js';
import { onPool, poolText, startPool, type ExecutorPool } from '../executors/index.js';
import { createSweepWorkers, runWorkers, shutdownWorkers } from '../workers/create-workers.js';
import { installWorkerRuntime } from '../workers/runtime.js';
import { connectWorker } from './connect.js';
import { adoptDevServer, isAlive, readServerRecord, startDevServer, type DevServer } from './dev-server.js';
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
}

export async function startEmbedded(opts: EmbeddedOptions): Promise<Embedded> {
  const existing = readServerRecord(opts.runDir);
  if (existing && existing.ownerPid !== process.pid && isAlive(existing.ownerPid)) {
    return { address: existing.address, owner: false, uiUrl: existing.uiUrl, stop: async () => {}, workersDone: new Promise(() => {}) };
  }
  const server: DevServer = existing
    ? adoptDevServer(opts.runDir, existing)
    : await startDevServer({ cliPath: opts.cli.path, runDir: opts.runDir, uiPort: opts.uiPort });

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
    })());
  const trials = opts.activities ? undefined : poolText(pool);
  return { address: server.address, owner: true, uiUrl: server.uiUrl, stop, workersDone, trials };
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
