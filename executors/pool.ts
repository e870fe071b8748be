/**
 * A pool of trial executors inside a worker process: worker threads (./executor-thread.ts), each
 * with its own TensorFlow.js backend and memory, so that trials run side by side on every core
 * while the main thread stays free for Temporal (heartbeats, cancellation).
 *
 * Admission: trials start in the order they arrive, when an executor is idle and the estimated
 * peak memory of the running trials plus this one (src/config/estimate.ts) stays within the
 * budget; a trial larger than the whole budget runs alone. An executor that dies (its thread
 * exits or throws) fails only its trial's attempt, with an {@link ExecutorDiedError} (retryable),
 * and is replaced; so is one whose trial ended in a WebAssembly trap (its backend is unusable).
 * A cancelled attempt stops at its next logged step; one that does not stop within the grace has
 * its executor terminated and replaced. Threads end with the process, so a killed worker leaves
 * no executor behind.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { formatBytes } from '../src/config/estimate.js';
import { fromWire, type FromExecutor, type ToExecutor } from './protocol.js';
import type { TrialHooks, TrialOutcome, TrialTask } from './task.js';

/** An executor ended while running a trial: the attempt fails (retryably), the pool goes on. */
export class ExecutorDiedError extends Error {
  override readonly name = 'ExecutorDiedError';
}

export interface PoolOptions {
  /** Executors (threads). */
  size: number;
  /** Bytes the running trials' estimated peaks may add up to. */
  budgetBytes: number;
  /** A trial's estimated peak memory. */
  estimate: (task: TrialTask) => number;
  /** Per executor i, `NTK_WEBGPU_ADAPTER` = adapters[i mod length] (one executor per GPU adapter). */
  adapters?: readonly string[];
  /** Milliseconds a cancelled trial gets to reach its next logged step before its executor is terminated. */
  cancelGraceMs?: number;
}

/** One trial admitted: which, and what ran alongside it then. */
export interface Admission {
  trialId: string;
  bytes: number;
  /** Trials running when it started (itself excluded). */
  alongside: string[];
  /** Estimated bytes of every running trial, itself included. */
  admittedBytes: number;
}

/** What the pool has done so far (tests and benchmarks read it). */
export interface PoolStats {
  started: number;
  died: number;
  /** Most trials running at once, and most estimated bytes admitted at once. */
  maxRunning: number;
  maxAdmittedBytes: number;
  /** Every admission, in order (the last 1000). */
  admissions: Admission[];
}

interface Job {
  task: TrialTask;
  bytes: number;
  hooks: TrialHooks;
  signal?: AbortSignal;
  resolve: (o: TrialOutcome) => void;
  reject: (e: unknown) => void;
}

interface Executor {
  id: number;
  thread: Worker;
  ready: boolean;
  job?: Job;
  cancel?: Int32Array;
}

/**
 * The thread's entry and its bootstrap, next to this module. A bundle without module URLs (the
 * CommonJS build for GPU hosts) has no sources to start threads from: it runs with `--executors 0`.
 */
function threadFiles(): { boot: URL; entry: string } {
  if (typeof import.meta.url !== 'string') {
    throw new Error('trial executors need the ES-module sources (this build has none); run with --executors 0');
  }
  // Compiled (dist/): the thread's own module starts it. From the sources, a bootstrap registers tsx first.
  if (import.meta.url.endsWith('.js')) {
    const entry = new URL('./executor-thread.js', import.meta.url);
    return { boot: entry, entry: entry.href };
  }
  return {
    boot: new URL('./thread-entry.mjs', import.meta.url),
    entry: new URL('./executor-thread.ts', import.meta.url).href,
  };
}

export class ExecutorPool {
  readonly size: number;
  readonly budgetBytes: number;
  readonly stats: PoolStats = { started: 0, died: 0, maxRunning: 0, maxAdmittedBytes: 0, admissions: [] };
  private readonly executors = new Set<Executor>();
  private readonly queue: Job[] = [];
  private admittedBytes = 0;
  private nextId = 0;
  private closed = false;
  /** Executors that died before they were ready, in a row: past 3 the pool stops respawning. */
  private startFailures = 0;
  private broken: Error | undefined;

  constructor(private readonly opts: PoolOptions) {
    if (!Number.isInteger(opts.size) || opts.size < 1)
      throw new RangeError(`an executor pool needs at least 1 executor, got ${opts.size}`);
    this.size = opts.size;
    this.budgetBytes = opts.budgetBytes;
    for (let i = 0; i < opts.size; i++) this.spawn();
  }

  /** Runs `task` on an executor once admitted. Rejects with signal.reason when `signal` aborts. */
  run(task: TrialTask, hooks: TrialHooks, signal?: AbortSignal): Promise<TrialOutcome> {
    if (this.closed) return Promise.reject(new Error('the executor pool is closed'));
    if (this.broken) return Promise.reject(this.broken);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<TrialOutcome>((resolve, reject) => {
      const job: Job = { task, bytes: this.opts.estimate(task), hooks, signal, resolve, reject };
      this.queue.push(job);
      signal?.addEventListener('abort', () => this.abort(job), { once: true });
      this.pump();
    });
  }

  /** Resolves once every executor has loaded and can take a trial; rejects when they cannot start. */
  async ready(): Promise<void> {
    while (this.executors.size < this.size || [...this.executors].some((e) => !e.ready)) {
      if (this.broken) throw this.broken;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Terminates every executor; trials still queued or running are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the executor pool closed'));
    await Promise.all([...this.executors].map((e) => e.thread.terminate()));
  }

  /** `2 executors (worker threads), memory budget 23.5 GiB`. */
  describe(): string {
    return `${this.size} executor${this.size === 1 ? '' : 's'} (worker threads), memory budget ${formatBytes(this.budgetBytes)}`;
  }

  private spawn(): void {
    const id = this.nextId++;
    const adapter = this.opts.adapters?.length ? this.opts.adapters[id % this.opts.adapters.length] : undefined;
    const { boot, entry } = threadFiles();
    const thread = new Worker(boot, {
      workerData: { entry },
      env: adapter ? { ...process.env, NTK_WEBGPU_ADAPTER: adapter } : process.env,
      // Its own console output goes to the process's (warnings of TensorFlow.js, notes).
      stdout: false,
      stderr: false,
    });
    const ex: Executor = { id, thread, ready: false };
    this.executors.add(ex);
    thread.on('message', (m: FromExecutor) => this.onMessage(ex, m));
    let why: string | undefined;
    thread.on('error', (e) => (why = e.message));
    thread.on('exit', (code) => this.onExit(ex, why ?? `its thread exited with code ${code}`));
  }

  private onMessage(ex: Executor, m: FromExecutor): void {
    if (m.kind === 'ready') {
      ex.ready = true;
      this.startFailures = 0;
      this.pump();
      return;
    }
    const job = ex.job;
    if (!job) return;
    switch (m.kind) {
      case 'progress':
        try {
          job.hooks.onProgress(m.step, m.steps);
        } catch {
          // The activity's heartbeat failing is not the trial's business; cancellation comes by the signal.
        }
        return;
      case 'note':
        job.hooks.onNote(m.line);
        return;
      case 'done':
        this.finish(ex);
        job.resolve(m.outcome);
        return;
      case 'cancelled':
        this.finish(ex);
        job.reject(job.signal?.reason ?? new Error('cancelled'));
        return;
      case 'failed':
        this.finish(ex);
        job.reject(fromWire(m.error));
        if (m.fatal) void ex.thread.terminate(); // replaced on exit
        return;
    }
  }

  private onExit(ex: Executor, why: string): void {
    this.executors.delete(ex);
    const job = ex.job;
    if (job) {
      this.release(ex);
      this.stats.died++;
      if (job.signal?.aborted) job.reject(job.signal.reason);
      else if (this.closed) job.reject(new Error('the executor pool closed'));
      else
        job.reject(
          new ExecutorDiedError(`the executor running trial ${job.task.trialId} died (${why}); the attempt is retried`),
        );
    }
    if (!ex.ready && ++this.startFailures >= 3) {
      this.broken = new Error(`trial executors cannot start: ${why}`);
      for (const queued of this.queue.splice(0)) queued.reject(this.broken);
    }
    if (!this.closed && !this.broken) this.spawn();
    this.pump();
  }

  /** Frees an executor whose trial ended normally. */
  private finish(ex: Executor): void {
    this.release(ex);
    this.pump();
  }

  private release(ex: Executor): void {
    if (ex.job) this.admittedBytes -= ex.job.bytes;
    ex.job = undefined;
    ex.cancel = undefined;
  }

  private abort(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.reject(job.signal!.reason);
      return;
    }
    const ex = [...this.executors].find((e) => e.job === job);
    if (!ex?.cancel) return;
    Atomics.store(ex.cancel, 0, 1);
    // Stuck between logged steps (a long kernel): end the executor; onExit rejects the job.
    setTimeout(() => {
      if (ex.job === job) void ex.thread.terminate();
    }, this.opts.cancelGraceMs ?? 10_000).unref();
  }

  /** Starts queued trials, in order, while an executor is idle and the budget allows. */
  private pump(): void {
    while (this.queue.length > 0) {
      const idle = [...this.executors].find((e) => e.ready && !e.job);
      if (!idle) return;
      const job = this.queue[0];
      const alongside = [...this.executors].filter((e) => e.job).map((e) => e.job!.task.trialId);
      const running = alongside.length;
      if (running > 0 && this.admittedBytes + job.bytes > this.budgetBytes) return;
      this.queue.shift();
      idle.job = job;
      idle.cancel = new Int32Array(new SharedArrayBuffer(4));
      this.admittedBytes += job.bytes;
      this.stats.started++;
      this.stats.maxRunning = Math.max(this.stats.maxRunning, running + 1);
      this.stats.maxAdmittedBytes = Math.max(this.stats.maxAdmittedBytes, this.admittedBytes);
      this.stats.admissions.push({
        trialId: job.task.trialId,
        bytes: job.bytes,
        alongside,
        admittedBytes: this.admittedBytes,
      });
      if (this.stats.admissions.length > 1000) this.stats.admissions.shift();
      const msg: ToExecutor = { kind: 'run', task: job.task, cancel: idle.cancel.buffer as SharedArrayBuffer };
      idle.thread.postMessage(msg);
    }
  }
}

/**
 * The default number of executors for a backend: one per core for the CPU backends (wasm, cpu,
 * and auto, which falls back to them), one per GPU adapter for webgpu (`NTK_WEBGPU_ADAPTERS`, a
 * comma-separated list of adapter names, else 1), and 1 for tensorflow (libtensorflow uses every
 * core by itself).
 */
export function defaultPoolSize(backend: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (backend === 'webgpu') return Math.max(1, webgpuAdapters(env).length);
  if (backend === 'tensorflow') return 1;
  return availableParallelism();
}

/** The adapters of `NTK_WEBGPU_ADAPTERS` (names Dawn matches by substring), or none. */
export function webgpuAdapters(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.NTK_WEBGPU_ADAPTERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
