/**
 * `ntk-sweep run` and `ntk-sweep resume` (docs/design.md §8): check everything first (config, run folder,
 * the server or the Temporal CLI) so that a problem starts nothing and writes nothing; write the
 * launch files; start the sweep workflow — or attach to it when it is already running (its id is
 * `sweep-<sweep id>`); then show its progress until it ends.
 *
 * Without --address the sweep runs on the embedded server with in-process workers, stopped at the
 * end; Ctrl-C stops them cleanly and prints how to resume. With --address it runs on a cluster's
 * workers, and Ctrl-C (or --detach) only stops watching: the sweep goes on.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { SweepActivities } from '../activities/index.js';
import type { BackendName } from '../src/backend/select.js';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_SERVER_LOST, EXIT_SWEEP_FAILED, exitCodeOf } from '../src/cli/exit-codes.js';
import { DISK_FULL_FAILURE, failureKind } from '../src/failure-kinds.js';
import type { sweepWorkflow } from '../workflows/sweep.js';
import {
  CPU_QUEUE,
  RESUME_SIGNAL,
  sweepWorkflowId,
  type SweepInput,
  type SweepProgress,
  type SweepResult,
} from '../workflows/shared.js';
import { connectClient, DEFAULT_NAMESPACE, type ConnectedClient } from './connect.js';
import { reportFailedTrials } from './failed-trials.js';
import type { TransportSecurity } from './connection-options.js';
import { isAlive, readServerRecord, serverDir } from './dev-server.js';
import { noteBackendChoice, releaseOrphanedTrials, startEmbedded, type Embedded } from './embedded.js';
import { TemporalSetupError } from './errors.js';
import { followSweep, queryProgress, serverWaitMs, type ServerLoss } from './follow.js';
import { formatDuration, makeProgressView, noteLine, progressOfResult, trialCostsOf, type ProgressMode } from './progress.js';
import {
  checkRunFolder,
  findRunFolders,
  isRunFolder,
  planFromConfig,
  planFromRunFolder,
  writeLaunchFiles,
  type SweepPlan,
} from './run-folder.js';
import { findTemporalCli, PROJECT_ROOT, type TemporalCli } from './temporal-cli.js';
import { clearSweepEnd, recordSweepEnd } from './sweep-state.js';

export interface SweepCommandOptions {
  /** HOST:PORT of a Temporal frontend; absent: the embedded server. */
  address?: string;
  namespace?: string;
  /** TLS, mutual TLS, API key for `address`. */
  security?: TransportSecurity;
  /** Start (or attach) and return at once. */
  detach?: boolean;
  /** Progress as JSON lines on stdout, and the result as JSON. */
  json?: boolean;
  /** Force a progress display (default: a bar on a terminal, plain lines otherwise). */
  progress?: ProgressMode;
  /** Seconds between plain progress lines. */
  intervalS?: number;
  /** Serve the embedded server's web UI on this port. */
  uiPort?: number;
  /** Backend of the in-process trial worker (default: the config's). */
  backend?: BackendName;
  /** Trial executors of the embedded worker (default: execution.max_parallel; 0: in-process). */
  executors?: number;
  /** Allow grids above the size limit. */
  yes?: boolean;
  /** Workflow tunables (SweepInput); defaults in workflows/sweep.ts. */
  heartbeatTimeoutS?: number;
  checkpointEvery?: number;
  maxHistoryEvents?: number;
  /** Replaces the in-process workers' activities (tests). */
  activities?: SweepActivities;
}

/** Through the progress display while one is open (it owns the terminal then). */
const note = noteLine;

/** `ntk-sweep run CONFIG.yaml` */
export async function runCommand(configFile: string, opts: SweepCommandOptions): Promise<number> {
  const plan = planFromConfig(configFile, { yes: opts.yes });
  checkRunFolder(plan);
  return execute(plan, opts, true);
}

/** `ntk-sweep resume RUN_DIR|SWEEP_ID` */
export async function resumeCommand(target: string, opts: SweepCommandOptions): Promise<number> {
  const runDir = await locateRunFolder(target, opts);
  const plan = await planFromRunFolder(runDir);
  return execute(plan, opts, false);
}

/**
 * The run folder named by `target`: a folder, else a sweep id — looked up on the cluster (the
 * workflow's memo) with --address, else under ./runs.
 */
export async function locateRunFolder(
  target: string,
  opts: { address?: string; namespace?: string; security?: TransportSecurity },
): Promise<string> {
  if (isRunFolder(target)) return path.resolve(target);
  if (opts.address) {
    const c = await connectClient({ address: opts.address, namespace: opts.namespace, security: opts.security });
    try {
      const d = await c.client.workflow.getHandle(sweepWorkflowId(target)).describe();
      const runDir = d.memo?.runDir;
      if (typeof runDir === 'string') return runDir;
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) throw e;
    } finally {
      await c.close();
    }
    throw new TemporalSetupError(`no sweep ${target} on the Temporal server at ${opts.address}; give its run folder instead`);
  }
  const found = findRunFolders(path.resolve('runs'), target);
  if (found.length === 1) return found[0];
  if (found.length > 1) throw new TemporalSetupError(`several run folders hold the sweep ${target}: ${found.join(', ')}; name one`);
  throw new TemporalSetupError(`${target} is neither a run folder nor the id of a sweep under ./runs; give the run folder (e.g. runs/<name>)`);
}

function sweepInput(plan: SweepPlan, opts: SweepCommandOptions): SweepInput {
  return {
    runDir: plan.runDir,
    configDir: plan.configDir,
    sweepId: plan.sweepId,
    heartbeatTimeoutS: opts.heartbeatTimeoutS,
    checkpointEvery: opts.checkpointEvery,
    maxHistoryEvents: opts.maxHistoryEvents,
  };
}

interface Started {
  handle: WorkflowHandle<typeof sweepWorkflow>;
  /** It was already running: this command attached to it. */
  attached: boolean;
}

/**
 * Starts the sweep's workflow, or returns the running one (launching twice attaches). With
 * `watchOnly` (another process owns the server) a sweep that has ended is shown, not started again.
 */
export async function startOrAttach(
  client: Client,
  plan: SweepPlan,
  opts: SweepCommandOptions,
  how: { watchOnly?: boolean } = {},
): Promise<Started> {
  const workflowId = sweepWorkflowId(plan.sweepId);
  let attached = false;
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    attached = d.status.name === 'RUNNING';
    if (how.watchOnly && !attached) return { handle: client.workflow.getHandle<typeof sweepWorkflow>(workflowId), attached: true };
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError)) throw e;
  }
  const handle = await client.workflow.start<typeof sweepWorkflow>('sweepWorkflow', {
    taskQueue: CPU_QUEUE,
    workflowId,
    args: [sweepInput(plan, opts)],
    workflowIdConflictPolicy: 'USE_EXISTING',
    memo: { runDir: plan.runDir, configDir: plan.configDir },
  });
  // A watcher's start only finds the owner's workflow, or starts it a moment before the owner does.
  return { handle, attached: attached || !!how.watchOnly };
}

/** A promise that resolves on the first Ctrl-C (or SIGTERM); a second one exits at once. */
function interruption(): { interrupted: Promise<void>; dispose(): void } {
  let resolve!: () => void;
  const interrupted = new Promise<void>((r) => (resolve = r));
  let count = 0;
  const handler = (): void => {
    count++;
    if (count === 1) {
      note('stopping… (Ctrl-C again to quit at once)');
      resolve();
    } else process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    interrupted,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

function progressMode(opts: SweepCommandOptions): ProgressMode {
  if (opts.json) return 'json';
  return opts.progress ?? (process.stderr.isTTY ? 'bar' : 'lines');
}

async function execute(plan: SweepPlan, opts: SweepCommandOptions, fresh: boolean): Promise<number> {
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  if (opts.address) {
    // Reachable before anything is written.
    const conn = await connectClient({ address: opts.address, namespace, security: opts.security, embeddedAlternative: true });
    try {
      if (fresh) await writeLaunchFiles(plan, { address: opts.address, namespace });
      return await onCluster(plan, opts, conn, fresh);
    } finally {
      await conn.close();
    }
  }
  const cli = await findTemporalCli();
  if (opts.detach) {
    if (fresh) await writeLaunchFiles(plan);
    return detachEmbedded(plan, opts);
  }
  if (fresh) await writeLaunchFiles(plan);
  for (let takeover = false; ; takeover = true) {
    const code = await onEmbedded(plan, opts, cli, namespace, fresh, takeover);
    if (code !== TAKE_OVER) return code;
  }
}

/** What a watcher returns when the process that owned the server is gone: it goes round again and owns it. */
const TAKE_OVER = Symbol('take over');

/**
 * The sweep on the run's embedded server: owned (in-process workers), or watched while another
 * ntk-sweep owns it. `takeover`: the previous owner is gone, so a sweep that has ended is shown,
 * not started again.
 */
async function onEmbedded(
  plan: SweepPlan,
  opts: SweepCommandOptions,
  cli: TemporalCli,
  namespace: string,
  fresh: boolean,
  takeover: boolean,
): Promise<number | typeof TAKE_OVER> {
  const session = await embeddedSession(plan, opts, cli, namespace);
  const embedded = session.embedded;
  const stop = interruption();
  let conn: ConnectedClient | undefined = session.conn;
  try {
    if (embedded.owner) await releaseOrphanedTrials(conn.client, sweepWorkflowId(plan.sweepId));
    const { handle, attached } = await startOrAttach(conn.client, plan, opts, { watchOnly: !embedded.owner || takeover });
    announce(plan, attached, embedded.owner ? 'the embedded Temporal server' : 'the embedded server of another ntk-sweep', embedded.uiUrl);
    if (!fresh) await resumeIfPaused(conn, handle);
    if (embedded.owner) clearSweepEnd(plan.runDir);
    if (embedded.owner && !opts.activities) await noteBackendChoice(opts.backend ?? plan.loaded.config.execution.backend);
    const t0 = Date.now();
    const view = makeProgressView(progressMode(opts), { intervalMs: (opts.intervalS ?? 10) * 1000, costs: trialCostsOf(plan.loaded, opts) });
    let ownerGone = false;
    const outcome = await followSweep(handle, view, {
      connection: conn.connection,
      pollMs: progressMode(opts) === 'bar' ? 500 : 1000,
      interrupted: Promise.race([
        stop.interrupted,
        embedded.workersDone.then(() => new Promise<void>(() => {})),
        embedded.ownerGone.then(() => void (ownerGone = true)),
      ]),
      // The embedded server cannot come back once its process is gone; another owner's is not ours to report.
      serverLoss: embedded.owner ? { ...lossOf(plan, opts, 'the embedded Temporal server'), gone: () => (readServerRecord(plan.runDir) ? undefined : 'its process is gone') } : undefined,
    });
    if (embedded.owner) recordSweepEnd(plan.runDir, outcome);
    if (outcome.kind === 'finished') view.update(progressOfResult(outcome.result, new Date(t0).toISOString()));
    view.stop();
    if (outcome.kind === 'lost') {
      await embedded.stop();
      return EXIT_SERVER_LOST;
    }
    if (outcome.kind === 'interrupted' && ownerGone) {
      note(`the ntk-sweep process that owned the server of ${plan.runDir} is gone; taking the sweep over`);
      return TAKE_OVER;
    }
    if (outcome.kind === 'interrupted') {
      const p = await queryProgress(conn.connection, handle, 2000);
      await conn.close();
      conn = undefined;
      await embedded.stop();
      const where = p ? `${p.ok + p.diverged}/${p.total} trials done, ${p.failed} failed; ` : '';
      note(
        embedded.owner
          ? `stopped: ${where}the sweep is kept in ${serverDir(plan.runDir)}. Continue it with:\n  ntk-sweep resume ${plan.runDir}`
          : `stopped watching; the sweep goes on in the other ntk-sweep process (ntk-sweep status ${plan.runDir})`,
      );
      return EXIT_INTERRUPTED;
    }
    // Closed before any server stops (this one's, or the other process's that this one watched):
    // a call still retrying on a closed channel would throw from its timer.
    await conn.close();
    conn = undefined;
    await embedded.stop();
    if (!embedded.owner && outcome.kind === 'failed' && !(outcome.error instanceof WorkflowFailedError)) {
      // The other process stopped its server before this one saw the end: look again (its result, or its sweep to finish).
      note(`the server of the other ntk-sweep process stopped; looking at ${plan.runDir} again`);
      return TAKE_OVER;
    }
    return report(outcome, plan, opts, Date.now() - t0);
  } catch (e) {
    await embedded.stop();
    throw e;
  } finally {
    stop.dispose();
    await conn?.close();
  }
}

/**
 * The run's embedded server (owned, or another process's to watch) and a client on it. The other
 * process may stop its server between being found and being dialled (its sweep just ended): then
 * this one looks again, and takes the server over if it must.
 */
async function embeddedSession(
  plan: SweepPlan,
  opts: SweepCommandOptions,
  cli: TemporalCli,
  namespace: string,
): Promise<{ embedded: Embedded; conn: ConnectedClient }> {
  for (;;) {
    const embedded = await startEmbedded({
      runDir: plan.runDir,
      cli,
      concurrency: plan.loaded.config.execution.maxParallel,
      uiPort: opts.uiPort,
      backend: opts.backend,
      executors: opts.executors,
      activities: opts.activities,
    });
    if (embedded.trials) note(embedded.trials);
    try {
      return { embedded, conn: await connectClient({ address: embedded.address, namespace }) };
    } catch (e) {
      await embedded.stop();
      if (embedded.owner || !(e instanceof TemporalSetupError)) throw e;
    }
  }
}

async function onCluster(plan: SweepPlan, opts: SweepCommandOptions, conn: ConnectedClient, fresh: boolean): Promise<number> {
  const { handle, attached } = await startOrAttach(conn.client, plan, opts);
  announce(plan, attached, `the Temporal server at ${opts.address}`);
  if (!fresh) await resumeIfPaused(conn, handle);
  const follow = `ntk-sweep status ${plan.sweepId} --address ${opts.address}`;
  if (opts.detach) {
    if (opts.json) process.stdout.write(`${JSON.stringify({ sweep_id: plan.sweepId, workflow_id: handle.workflowId, attached, run_dir: plan.runDir })}\n`);
    note(`detached; the sweep runs on the cluster's workers. Follow it with:\n  ${follow}`);
    return EXIT_OK;
  }
  const stop = interruption();
  try {
    const t0 = Date.now();
    const view = makeProgressView(progressMode(opts), { intervalMs: (opts.intervalS ?? 10) * 1000, costs: trialCostsOf(plan.loaded, opts) });
    const outcome = await followSweep(handle, view, {
      connection: conn.connection,
      pollMs: progressMode(opts) === 'bar' ? 500 : 1000,
      interrupted: stop.interrupted,
      serverLoss: lossOf(plan, opts, `the Temporal server at ${opts.address}`),
    });
    if (outcome.kind === 'finished') view.update(progressOfResult(outcome.result, new Date(t0).toISOString()));
    view.stop();
    if (outcome.kind === 'lost') return EXIT_SERVER_LOST;
    if (outcome.kind === 'interrupted') {
      note(`stopped watching; the sweep goes on on the cluster. Follow it with:\n  ${follow}`);
      return EXIT_INTERRUPTED;
    }
    return report(outcome, plan, opts, Date.now() - t0);
  } finally {
    stop.dispose();
  }
}

/** How a watcher reports losing `server`: the sweep is intact, and `resume` continues it. */
function lossOf(plan: SweepPlan, opts: SweepCommandOptions, server: string): ServerLoss {
  const resume = `ntk-sweep resume ${plan.runDir}${opts.address ? ` --address ${opts.address}` : ''}${opts.namespace ? ` --namespace ${opts.namespace}` : ''}`;
  return { server, resume, waitMs: serverWaitMs(), note };
}

function announce(plan: SweepPlan, attached: boolean, where: string, uiUrl?: string): void {
  const what = attached ? `attached to the running sweep ${plan.sweepId}` : `started the sweep ${plan.sweepId}`;
  note(`${what} (${plan.trialCount} trials) on ${where}; run folder ${plan.runDir}`);
  if (uiUrl) note(`Temporal UI: ${uiUrl}`);
}

/** `resume` of a paused sweep lifts the pause. */
async function resumeIfPaused(conn: ConnectedClient, handle: WorkflowHandle): Promise<void> {
  const p: SweepProgress | undefined = await queryProgress(conn.connection, handle, 2000);
  if (p?.paused) {
    await handle.signal(RESUME_SIGNAL);
    note('the sweep was paused; resumed it');
  }
}

/** Prints how the sweep ended and returns the exit code. */
function report(
  outcome: { kind: 'finished'; result: SweepResult } | { kind: 'failed'; error: Error },
  plan: SweepPlan,
  opts: SweepCommandOptions,
  wallMs: number,
): number {
  if (outcome.kind === 'failed') {
    const cause = outcome.error instanceof WorkflowFailedError ? outcome.error.cause : undefined;
    const why = cause?.message ?? outcome.error.message;
    const type = cause instanceof ApplicationFailure ? cause.type : undefined;
    if (type === DISK_FULL_FAILURE) {
      note(`the sweep ${plan.sweepId} stopped: ${why}\nFree space on that disk, then continue with:\n  ntk-sweep resume ${plan.runDir}`);
    } else {
      note(`the sweep ${plan.sweepId} failed: ${why}`);
    }
    return failureKind(type) ? exitCodeOf(type) : EXIT_SWEEP_FAILED;
  }
  const r = outcome.result;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...resultJson(r), run_dir: plan.runDir, wall_s: wallMs / 1000 })}\n`);
  } else {
    const parts = [`${r.ok} ok`, `${r.diverged} diverged`, `${r.failed} failed`];
    if (r.skipped) parts.push(`${r.skipped} already complete`);
    const verb = r.status === 'cancelled' ? 'was cancelled' : 'completed';
    process.stdout.write(
      `sweep ${r.sweepId} ${verb}: ${r.ok + r.diverged + r.failed}/${r.total} trials (${parts.join(', ')}) in ${formatDuration(wallMs / 1000)}; ` +
        `tables in ${plan.runDir}${r.aggregated ? ' (summary and fits written)' : ''}\n`,
    );
    if (r.aggregateError) note(`warning: the aggregation failed: ${r.aggregateError}`);
    if (r.failed > 0 || r.status === 'cancelled') note(`run the missing and failed trials with: ntk-sweep resume ${plan.runDir}`);
  }
  return r.failed > 0 ? reportFailedTrials(plan.runDir, note) : EXIT_OK;
}

export function resultJson(r: SweepResult): Record<string, unknown> {
  return {
    sweep_id: r.sweepId,
    status: r.status,
    total: r.total,
    ok: r.ok,
    diverged: r.diverged,
    failed: r.failed,
    skipped: r.skipped,
    aggregated: r.aggregated,
    aggregate_error: r.aggregateError ?? null,
    runs: r.runs,
  };
}

/**
 * `run --detach` without --address: the embedded server and workers must outlive this command, so
 * a background `ntk-sweep resume RUN` runs them (its output in RUN/.temporal/run.log); this waits
 * until its server is up, then returns.
 */
async function detachEmbedded(plan: SweepPlan, opts: SweepCommandOptions): Promise<number> {
  const logFile = path.join(serverDir(plan.runDir), 'run.log');
  const log = openSync(logFile, 'a');
  const args = [path.join(PROJECT_ROOT, 'bin', 'ntk-sweep.js'), 'resume', plan.runDir, '--progress', 'lines'];
  if (opts.backend) args.push('--backend', opts.backend);
  if (opts.executors !== undefined) args.push('--executors', String(opts.executors));
  if (opts.heartbeatTimeoutS) args.push('--heartbeat-timeout', String(opts.heartbeatTimeoutS));
  if (opts.checkpointEvery) args.push('--checkpoint-every', String(opts.checkpointEvery));
  if (opts.maxHistoryEvents) args.push('--max-history-events', String(opts.maxHistoryEvents));
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], cwd: process.cwd() });
  closeSync(log);
  child.unref();
  let exited: number | null | undefined;
  child.on('exit', (code) => void (exited = code));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const rec = readServerRecord(plan.runDir);
    // Its own server, or that of another live ntk-sweep on this folder, which it then watches.
    if (rec && (rec.ownerPid === child.pid || isAlive(rec.ownerPid))) {
      if (opts.json) process.stdout.write(`${JSON.stringify({ sweep_id: plan.sweepId, pid: child.pid, address: rec.address, run_dir: plan.runDir })}\n`);
      note(
        `the sweep ${plan.sweepId} runs in the background (pid ${child.pid}, log ${logFile}).\n` +
          `  follow it: ntk-sweep status ${plan.runDir}\n  stop it:   ntk-sweep cancel ${plan.runDir}`,
      );
      return EXIT_OK;
    }
    if (exited !== undefined) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new TemporalSetupError(`the background sweep did not start (see ${logFile})`);
}

