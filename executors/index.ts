/** The trial executors of a worker process: the pool, its default size, and how activities hand trials over. */
import type { BackendName } from '../src/backend/select.js';
import { memoryBudget } from '../src/config/estimate.js';
import { defaultPoolSize, ExecutorPool, webgpuAdapters } from './pool.js';
import { taskPeakBytes } from './task.js';

export {
  ExecutorDiedError,
  ExecutorPool,
  defaultPoolSize,
  webgpuAdapters,
  type PoolOptions,
  type PoolStats,
} from './pool.js';
export { inProcess, onPool, type TrialRunner } from './runner.js';
export type { TrialHooks, TrialOutcome, TrialTask } from './task.js';

/**
 * The pool of a worker process: `size` executors (default {@link defaultPoolSize} for `backend`),
 * admitting trials by their estimated peak memory within this host's budget (NTK_MEMORY_BUDGET,
 * else the machine's memory); with webgpu, one adapter per executor.
 */
export function startPool(size: number | undefined, backend: BackendName | undefined): ExecutorPool {
  return new ExecutorPool({
    size: size ?? defaultPoolSize(backend),
    budgetBytes: memoryBudget(),
    estimate: taskPeakBytes,
    adapters: backend === 'webgpu' ? webgpuAdapters() : undefined,
  });
}

/** `trials run on 2 executors (worker threads), memory budget 23.5 GiB`. */
export function poolText(pool: ExecutorPool | undefined): string {
  return pool ? `trials run on ${pool.describe()}` : 'trials run in-process (--executors 0)';
}
