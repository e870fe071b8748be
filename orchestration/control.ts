/**
 * `ntk-sweep status`, `cancel` and `pause`: find the sweep (a run folder or a sweep id), its
 * server (--address, else the run folder's embedded server while it is up), and ask it. A run
 * folder whose server is down is reported from its tables.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError, WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import { EXIT_OK } from '../src/exit-codes.js';
import { readManifest } from '../src/tables/manifest.js';
import { trialStates } from '../src/tables/read.js';
import { CANCEL_SIGNAL, PAUSE_SIGNAL, sweepWorkflowId, type SweepResult } from '../workflows/shared.js';
import { connectClient, DEFAULT_NAMESPACE, type ConnectedClient } from '../connection/connect.js';
import type { TransportSecurity } from '../connection/connection-options.js';
import { damagedDatabase, readServerRecord, serverDbFile, startDevServer } from './dev-server.js';
import { tryLaunchLock } from './launch-lock.js';
import { TemporalSetupError } from '../connection/errors.js';
import { queryProgress } from './follow.js';
import { progressLine } from './progress.js';
import { findRunFolders, isRunFolder, readLaunchRecord } from './run-folder.js';
import { findTemporalCli } from './temporal-cli.js';
import { statusOfClosed, statusOffline, statusOfProgress, statusOfResult, type Counts } from './sweep-state.js';

export interface ControlOptions {
  address?: string;
  namespace?: string;
  /** For a cluster's address (the embedded server is plain). */
  security?: TransportSecurity;
  json?: boolean;
  /** `status --deep`: report from the tables, every byte of every file checked (src/tables/read.ts). */
  deep?: boolean;
}

interface Target {
  sweepId: string;
  runDir?: string;
  /** Where its workflow can be asked; absent when the embedded server is down. */
  address?: string;
  namespace: string;
  security?: TransportSecurity;
}

const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** Resolves RUN_DIR|SWEEP_ID and the server to ask. */
async function resolveTarget(target: string, opts: ControlOptions): Promise<Target> {
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  if (isRunFolder(target)) {
    const runDir = path.resolve(target);
    const manifest = await readManifest(runDir);
    const launch = readLaunchRecord(runDir);
    const local = opts.address ? undefined : readServerRecord(runDir)?.address;
    const address = opts.address ?? local ?? launch?.address;
    const security = local ? undefined : opts.security;
    return {
      sweepId: manifest.sweep_id,
      runDir,
      address,
      namespace: opts.namespace ?? launch?.namespace ?? namespace,
      security,
    };
  }
  if (opts.address) return { sweepId: target, address: opts.address, namespace, security: opts.security };
  const found = findRunFolders(path.resolve('runs'), target);
  if (found.length === 1) return resolveTarget(found[0], opts);
  throw new TemporalSetupError(
    `${target} is neither a run folder nor the id of a sweep under ./runs; give the run folder, or --address HOST:PORT for a sweep on a cluster`,
  );
}

async function describe(c: ConnectedClient, sweepId: string): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await c.client.workflow.getHandle(sweepWorkflowId(sweepId)).describe();
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return undefined;
    throw e;
  }
}

/** `ntk-sweep status [RUN_DIR|SWEEP_ID]`: 0 when found, 2 when there is no such sweep. */
export async function statusCommand(target: string | undefined, opts: ControlOptions): Promise<number> {
  if (target === undefined) return listRuns(opts);
  const t = await resolveTarget(target, opts);
  if (opts.deep && !t.runDir)
    throw new TemporalSetupError(`--deep checks the tables of a run folder: give the run folder of ${t.sweepId}`);
  if (t.address && !opts.deep) {
    const c = await connectClient({ address: t.address, namespace: t.namespace, security: t.security });
    try {
      const d = await describe(c, t.sweepId);
      if (d) return await printWorkflowStatus(c, t, d, opts);
      if (!t.runDir) throw new TemporalSetupError(`no sweep ${t.sweepId} on the Temporal server at ${t.address}`);
    } finally {
      await c.close();
    }
  }
  return printOfflineStatus(t, opts);
}

async function printWorkflowStatus(
  c: ConnectedClient,
  t: Target,
  d: WorkflowExecutionDescription,
  opts: ControlOptions,
): Promise<number> {
  const handle = c.client.workflow.getHandle(sweepWorkflowId(t.sweepId));
  if (d.status.name === 'RUNNING') {
    const p = await queryProgress(c.connection, handle);
    if (!p) {
      // An embedded sweep whose process is gone runs no more: it waits for `resume`.
      const gone = t.runDir !== undefined && !readLaunchRecord(t.runDir)?.address;
      if (opts.json) {
        const counts = t.runDir ? await runFolderCounts(t.runDir) : undefined;
        const s = counts ? statusOffline(t.sweepId, t.runDir!, counts) : undefined;
        out(
          JSON.stringify({
            ...(s ?? statusOfClosed(t.sweepId, 'RUNNING', undefined, t.runDir)),
            state: gone ? 'interrupted' : 'running',
            source: 'server',
          }),
        );
      } else {
        const hint = gone
          ? `its ntk-sweep process is gone; continue with: ntk-sweep resume ${t.runDir}`
          : 'are the cpu-queue workers up?';
        out(`${t.sweepId}: running, but no worker answered (${hint})`);
      }
      return EXIT_OK;
    }
    out(opts.json ? JSON.stringify(statusOfProgress(p, t.runDir)) : progressLine(p));
    return EXIT_OK;
  }
  let result: SweepResult | undefined;
  let error: string | undefined;
  try {
    result = (await handle.result()) as SweepResult;
  } catch (e) {
    error = e instanceof WorkflowFailedError ? (e.cause?.message ?? e.message) : (e as Error).message;
  }
  const s = result
    ? statusOfResult(result, t.runDir)
    : statusOfClosed(t.sweepId, d.status.name, t.runDir ? await runFolderCounts(t.runDir) : undefined, t.runDir, error);
  if (opts.json) out(JSON.stringify(s));
  else if (result) {
    out(
      `${t.sweepId}: ${result.status} — ${result.ok} ok, ${result.diverged} diverged, ${result.failed} failed of ${result.total}` +
        (d.closeTime ? ` (finished ${d.closeTime.toISOString()})` : ''),
    );
  } else
    out(`${t.sweepId}: ${s.state}${d.closeTime ? ` at ${d.closeTime.toISOString()}` : ''}${error ? `: ${error}` : ''}`);
  return EXIT_OK;
}

/** The counts of a run folder's tables (with `deep`, every file read in full and its checksum checked). */
async function runFolderCounts(runDir: string, deep = false): Promise<Counts> {
  const manifest = await readManifest(runDir);
  const counts = { complete: 0, failed: 0, incomplete: 0 };
  for (const s of (await trialStates(runDir, { deep })).values()) counts[s]++;
  return { total: manifest.trial_count, complete: counts.complete, failed: counts.failed };
}

/** The run folder's state from its tables, when no server can be asked (or with --deep). */
async function printOfflineStatus(t: Target, opts: ControlOptions): Promise<number> {
  const runDir = t.runDir!;
  const s = statusOffline(t.sweepId, runDir, await runFolderCounts(runDir, opts.deep));
  if (opts.json) out(JSON.stringify(s));
  else {
    const left = (s.pending ?? 0) + (s.failed ?? 0);
    out(
      `${t.sweepId}: ${s.state} (not running${opts.deep ? '; tables checked in full' : ''}) — ${s.done}/${s.total} trials complete, ${s.failed} failed, ${s.pending} to run` +
        (left > 0 ? `; continue with: ntk-sweep resume ${runDir}` : ''),
    );
  }
  return EXIT_OK;
}

/** Without a target: every sweep on the cluster (--address), else every run folder under ./runs. */
async function listRuns(opts: ControlOptions): Promise<number> {
  if (opts.address) {
    const c = await connectClient({ address: opts.address, namespace: opts.namespace, security: opts.security });
    try {
      const rows: Record<string, unknown>[] = [];
      for await (const w of c.client.workflow.list({ query: `WorkflowType = 'sweepWorkflow'` })) {
        const row = {
          workflow_id: w.workflowId,
          state: w.status.name.toLowerCase(),
          started: w.startTime.toISOString(),
        };
        if (opts.json) rows.push(row);
        else out(`${row.workflow_id}  ${row.state}  started ${row.started}`);
      }
      if (opts.json) out(JSON.stringify(rows));
      else if (rows.length === 0 && !opts.json) out('(no sweeps)');
    } finally {
      await c.close();
    }
    return EXIT_OK;
  }
  const root = path.resolve('runs');
  const runs = existsSync(root)
    ? readdirSync(root)
        .map((n) => path.join(root, n))
        .filter(isRunFolder)
    : [];
  if (runs.length === 0) {
    out('no run folders under ./runs (name one: ntk-sweep status RUN_DIR, or --address HOST:PORT for a cluster)');
    return EXIT_OK;
  }
  for (const r of runs) await statusCommand(r, opts);
  return EXIT_OK;
}

/** `ntk-sweep cancel RUN_DIR|SWEEP_ID [--now]` */
export async function cancelCommand(target: string, opts: ControlOptions & { now?: boolean }): Promise<number> {
  const t = await resolveTarget(target, opts);
  if (!t.address) return cancelOffline(t);
  const c = await connectClient({ address: t.address, namespace: t.namespace, security: t.security });
  try {
    const d = await describe(c, t.sweepId);
    if (!d || d.status.name !== 'RUNNING') {
      out(`${t.sweepId} is not running${d ? ` (${d.status.name.toLowerCase()})` : ''}: nothing to cancel`);
      return EXIT_OK;
    }
    const handle = c.client.workflow.getHandle(sweepWorkflowId(t.sweepId));
    if (opts.now) {
      await handle.terminate('ntk-sweep cancel --now');
      out(`${t.sweepId} terminated; running trials keep their checkpoints (ntk-sweep resume continues them)`);
    } else {
      await handle.signal(CANCEL_SIGNAL);
      out(`${t.sweepId}: cancel requested — no new trials start, the running ones finish (--now stops at once)`);
    }
  } finally {
    await c.close();
  }
  return EXIT_OK;
}

/**
 * Cancelling a sweep whose embedded server is down: nothing runs, but its workflow is still open
 * in the server's database (resume would continue it). Starts the server briefly and closes it.
 */
async function cancelOffline(t: Target): Promise<number> {
  const runDir = t.runDir!;
  if (!existsSync(serverDbFile(runDir)) || damagedDatabase(runDir)) {
    out(`${t.sweepId} is not running: nothing to cancel`);
    return EXIT_OK;
  }
  const cli = await findTemporalCli();
  const lock = tryLaunchLock(runDir);
  if (!lock.held)
    throw new TemporalSetupError(
      `another ntk-sweep (pid ${lock.holder}) is starting ${t.sweepId}; cancel it once it runs`,
    );
  let server;
  try {
    server = await startDevServer({ cliPath: cli.path, runDir });
  } catch (e) {
    lock.release();
    throw e;
  }
  try {
    const c = await connectClient({ address: server.address });
    try {
      const d = await describe(c, t.sweepId);
      if (d?.status.name === 'RUNNING') {
        await c.client.workflow.getHandle(sweepWorkflowId(t.sweepId)).terminate('ntk-sweep cancel (server was down)');
        out(
          `${t.sweepId} cancelled; complete trials stay in ${runDir} (ntk-sweep resume ${runDir} starts the rest again)`,
        );
      } else out(`${t.sweepId} is not running: nothing to cancel`);
    } finally {
      await c.close();
    }
  } finally {
    await server.stop();
    lock.release();
  }
  return EXIT_OK;
}

/** `ntk-sweep pause RUN_DIR|SWEEP_ID`: no new trials start until `ntk-sweep resume`. */
export async function pauseCommand(target: string, opts: ControlOptions): Promise<number> {
  const t = await resolveTarget(target, opts);
  if (!t.address) throw new TemporalSetupError(`${t.sweepId} is not running (its server is down): nothing to pause`);
  const c = await connectClient({ address: t.address, namespace: t.namespace, security: t.security });
  try {
    await c.client.workflow.getHandle(sweepWorkflowId(t.sweepId)).signal(PAUSE_SIGNAL);
    out(
      `${t.sweepId}: paused — running trials finish, no new ones start; continue with: ntk-sweep resume ${t.runDir ?? t.sweepId}`,
    );
  } finally {
    await c.close();
  }
  return EXIT_OK;
}
