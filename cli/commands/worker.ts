/**
 * `ntk-sweep worker --queues gpu,cpu --backend B --concurrency N [--executors M] --address HOST:PORT`:
 * a worker process for a Temporal cluster (workers/main.ts); runs until Ctrl-C or SIGTERM.
 */
import { BACKEND_NAMES, type BackendName } from '../../src/backend/names.js';
import { QUEUES, type QueueName } from '../../workflows/shared.js';
import { secureOptions } from '../../connection/connection-options.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../usage-error.js';
import { executorCount, serverOptions, toSecurity, type ServerArgs } from './sweep-options.js';

interface WorkerArgs extends ServerArgs {
  queues: string;
  concurrency?: number;
  executors?: number;
  backend?: BackendName;
  identity?: string;
  grace: number;
}

/** `gpu,cpu` → ['gpu', 'cpu'], refusing anything else. */
export function parseQueues(text: string): QueueName[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = Object.keys(QUEUES) as QueueName[];
  const bad = names.filter((n) => !known.includes(n as QueueName));
  if (names.length === 0 || bad.length > 0) {
    throw new UsageError(
      `ntk-sweep worker: --queues takes a comma-separated list of ${known.join(', ')}; found '${text}'`,
    );
  }
  return [...new Set(names)] as QueueName[];
}

export const workerCommand = defineCommand<WorkerArgs>({
  command: 'worker',
  describe:
    'run a worker for a Temporal cluster: trials on the gpu queue, the workflow and aggregation on the cpu queue',
  examples: [
    ['$0 worker --address temporal:7233 --queues gpu --backend webgpu', 'a GPU machine serving trials'],
    ['$0 worker --address temporal:7233 --queues cpu', 'the workflow and aggregation'],
  ],
  flags: (y) =>
    serverOptions(
      y
        .option('queues', {
          type: 'string',
          default: 'gpu,cpu',
          describe: 'task queues to serve: gpu (ntk-gpu), cpu (ntk-cpu)',
        })
        .option('concurrency', {
          type: 'number',
          describe:
            'trials at once (gpu queue); default: one per core (wasm, cpu, auto), per GPU adapter (webgpu, NTK_WEBGPU_ADAPTERS), 1 (tensorflow)',
        })
        .option('executors', {
          type: 'number',
          describe: 'trial executors (threads); default: --concurrency; 0: on the main thread',
        })
        .option('backend', { choices: BACKEND_NAMES, describe: 'compute backend for trials (default: each config’s)' })
        .option('identity', { type: 'string', describe: 'worker name shown by Temporal (default pid@host)' })
        .option('grace', { type: 'number', default: 10, describe: 'seconds running trials get to finish on shutdown' }),
    ).option('address', {
      default: 'localhost:7233',
      describe: 'HOST:PORT of the Temporal server whose queues to serve',
    }),
  run: async (args) => {
    const queues = parseQueues(args.queues);
    if (args.concurrency !== undefined && (!Number.isInteger(args.concurrency) || args.concurrency < 1)) {
      throw new UsageError(`ntk-sweep worker: --concurrency must be a positive integer, found ${args.concurrency}`);
    }
    const executors = executorCount('executors', args.executors);
    const security = toSecurity(args);
    // Certificates checked before the worker runtime starts (a runtime that never connected keeps the process alive).
    secureOptions(security);
    // Loaded on use: the worker runtime is heavy, and other commands must start fast.
    const { runWorkerProcess } = await import('../../workers/main.js');
    await runWorkerProcess({
      address: args.address!,
      namespace: args.namespace,
      security,
      queues,
      concurrency: args.concurrency,
      executors,
      backend: args.backend,
      identity: args.identity,
      graceS: args.grace,
    });
  },
});
