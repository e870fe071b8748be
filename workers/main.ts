/**
 * `ntk-sweep worker`: a long-running worker process for a Temporal cluster (docs/design.md §8) — the GPU
 * queue (trials), the CPU queue (the workflow, planning, aggregation) or both — until SIGINT or
 * SIGTERM, which let running trials finish for a grace period and then cancel them (their
 * checkpoints stay; the server retries them on another worker).
 */
import { createActivities } from '../activities/index.js';
import { defaultPoolSize, onPool, poolText, startPool, type ExecutorPool } from '../executors/index.js';
import { connectWorker } from '../connection/connect.js';
import type { TransportSecurity } from '../connection/connection-options.js';
import type { BackendName } from '../src/backend/select.js';
import { QUEUES, type QueueName } from '../workflows/shared.js';
import { createSweepWorkers, runWorkers } from './create-workers.js';
import { installWorkerRuntime } from './runtime.js';

export interface WorkerProcessOptions {
  address: string;
  namespace?: string;
  /** TLS, mutual TLS, API key (connection/connection-options.ts). */
  security?: TransportSecurity;
  queues: QueueName[];
  /** Trials at once on the GPU queue (default: executors/pool.ts defaultPoolSize for the backend). */
  concurrency?: number;
  /** Trial executors (threads); default `concurrency`; 0 runs trials on the main thread. */
  executors?: number;
  backend?: BackendName;
  identity?: string;
  /** Seconds running trials get to finish after SIGINT/SIGTERM before they are cancelled. */
  graceS?: number;
}

/** Runs until the process is signalled; resolves when the workers have shut down. */
export async function runWorkerProcess(opts: WorkerProcessOptions): Promise<void> {
  installWorkerRuntime({ logLevel: 'WARN', handleSignals: true });
  const connection = await connectWorker({ address: opts.address, namespace: opts.namespace, security: opts.security });
  const concurrency = opts.concurrency ?? defaultPoolSize(opts.backend);
  const size = opts.executors ?? concurrency;
  const pool: ExecutorPool | undefined =
    opts.queues.includes('gpu') && size > 0 ? startPool(size, opts.backend) : undefined;
  try {
    const workers = await createSweepWorkers({
      connection,
      namespace: opts.namespace,
      queues: opts.queues,
      concurrency,
      activities: createActivities({ backend: opts.backend, runner: pool && onPool(pool) }),
      identity: opts.identity,
      shutdownGraceTime: `${opts.graceS ?? 10}s`,
    });
    const names = opts.queues.map((q) => QUEUES[q]).join(', ');
    process.stderr.write(
      `ntk-sweep worker (pid ${process.pid}) on ${names} at ${opts.address}` +
        `${opts.queues.includes('gpu') ? `, ${concurrency} trial(s) at once, backend ${opts.backend ?? 'from each config'}; ${poolText(pool)}` : ''}; ` +
        'Ctrl-C to stop\n',
    );
    await runWorkers(workers);
  } finally {
    await pool?.close();
    await connection.close();
  }
}
