/**
 * The workers of a sweep (docs/design.md §8): on the GPU queue `runTrial`, `concurrency` trials at once;
 * on the CPU queue the sweep workflow and the light activities (plan, recordFailed, aggregate).
 * A host runs either or both; `ntk-sweep run` runs both in-process for the embedded default.
 */
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { SweepActivities } from '../activities/index.js';
import { CPU_QUEUE, GPU_QUEUE, type QueueName } from '../workflows/shared.js';
import { workflowBundlePath } from './workflow-bundle.js';

export interface SweepWorkersOptions {
  connection: NativeConnection;
  namespace?: string;
  queues: readonly QueueName[];
  /** Trials run at once by the GPU-queue worker. */
  concurrency: number;
  activities: SweepActivities;
  /** Shown in the Temporal UI and in activity info (default: the SDK's pid@host). */
  identity?: string;
  /** How long in-flight activities may finish after shutdown begins before they are cancelled. */
  shutdownGraceTime?: string | number;
}

/** Creates (but does not run) the workers for `queues`. */
export async function createSweepWorkers(opts: SweepWorkersOptions): Promise<Worker[]> {
  const common = {
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    ...(opts.identity ? { identity: opts.identity } : {}),
    shutdownGraceTime: opts.shutdownGraceTime ?? '2s',
  };
  const workers: Worker[] = [];
  if (opts.queues.includes('gpu')) {
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: GPU_QUEUE,
        activities: { runTrial: opts.activities.runTrial },
        maxConcurrentActivityTaskExecutions: opts.concurrency,
      }),
    );
  }
  if (opts.queues.includes('cpu')) {
    const { runTrial: _gpuOnly, ...cpuActivities } = opts.activities;
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: CPU_QUEUE,
        workflowBundle: { codePath: await workflowBundlePath() },
        activities: cpuActivities,
      }),
    );
  }
  return workers;
}

/** Runs workers until each has shut down; rejects with the first worker failure. */
export async function runWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.run()));
}

/** Asks every running worker to shut down (in-flight activities get the grace time). */
export function shutdownWorkers(workers: Worker[]): void {
  for (const w of workers) {
    if (w.getState() === 'RUNNING') w.shutdown();
  }
}
