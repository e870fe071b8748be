/**
 * `ntk-sweep status`, `cancel` and `pause`: find the sweep (a run folder or a sweep id), its
 * server (--address, else the run folder's embedded server while it is up), and ask it. A run
 * folder whose server is down is reported from its tables.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import { readManifest } from '../src/tables/manifest.js';
import { trialStates } from '../src/tables/read.js';
import { CANCEL_SIGNAL, PAUSE_SIGNAL, sweepWorkflowId, type SweepResult } from '../workflows/shared.js';
import { connectClient, DEFAULT_NAMESPACE, type ConnectedClient } from './connect.js';
import { readServerRecord, serverDir, startDevServer } from './dev-server.js';
import { TemporalSetupError } from './errors.js';
import { queryProgress } from './follow.js';
import { progressJson, progressLine } from './progress.js';
import { findRunFolders, isRunFolder, readLaunchRecord } from './run-folder.js';
import { findTemporalCli } from './temporal-cli.js';

export interface ControlOptions {
  address?: string;
  namespace?: string;
  json?: boolean;
}

interface Target {
  sweepId: string;
  runDir?: string;
  /** Where its workflow can be asked; absent when the embedded server is down. */
  address?: string;
  namespace: string;
}

const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** Resolves RUN_DIR|SWEEP_ID and the server to ask. */
async function resolveTarget(target: string, opts: ControlOptions): Promise<Target> {
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  if (isRunFolder(target)) {
    const runDir = path.resolve(target);
    const manifest = await readManifest(runDir);
    const launch = readLaunchRecord(runDir);
    const address = opts.address ?? readServerRecord(runDir)?.address ?? launch?.address;
    return { sweepId: manifest.sweep_id, runDir, address, namespace: opts.namespace ?? launch?.namespace ?? namespace };
  }
  if (opts.address) return { sweepId: target, address: opts.address, namespace };
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
  if (t.address) {
    const c = await connectClient({ address: t.address, namespace: t.namespace });
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
      if (opts.json) out(JSON.stringify({ sweep_id: t.sweepId, state: 'running', progress: null }));
      else {
        const hint = t.runDir && !readLaunchRecord(t.runDir)?.address ? `its ntk-sweep process is gone; continue with: ntk-sweep resume ${t.runDir}` : 'are the cpu-queue workers up?';
        out(`${t.sweepId}: running, but no worker answered (${hint})`);
      }
      return 0;
    }
    out(opts.json ? JSON.stringify({ state: 'running', ...progressJson(p), run_dir: t.runDir ?? null }) : progressLine(p));
    return 0;
  }
  const state = d.status.name.toLowerCase();
  let result: SweepResult | undefined;
  if (d.status.name === 'COMPLETED') result = (await handle.result()) as SweepResult;
  if (opts.json) {
    // launch.ts brings the worker runtime with it: loaded only for this JSON.
    const { resultJson } = await import('./launch.js');
    out(JSON.stringify({ sweep_id: t.sweepId, state, ...(result ? resultJson(result) : {}), run_dir: t.runDir ?? null }));
  } else if (result) {
    out(
      `${t.sweepId}: ${result.status} — ${result.ok} ok, ${result.diverged} diverged, ${result.failed} failed of ${result.total}` +
        (d.closeTime ? ` (finished ${d.closeTime.toISOString()})` : ''),
    );
  } else out(`${t.sweepId}: ${state}${d.closeTime ? ` at ${d.closeTime.toISOString()}` : ''}`);
  return 0;
}

/** The run folder's state from its tables, when no server can be asked. */
async function printOfflineStatus(t: Target, opts: ControlOptions): Promise<number> {
  const runDir = t.runDir!;
  const manifest = await readManifest(runDir);
  const counts = { complete: 0, failed: 0, incomplete: 0 };
  for (const s of (await trialStates(runDir)).values()) counts[s]++;
  const missing = manifest.trial_count - counts.complete - counts.failed;
  if (opts.json) {
    out(JSON.stringify({ sweep_id: t.sweepId, state: 'not running', total: manifest.trial_count, ...counts, missing, run_dir: runDir }));
  } else {
    out(
      `${t.sweepId}: not running — ${counts.complete}/${manifest.trial_count} trials complete, ${counts.failed} failed, ${missing} to run` +
        (missing + counts.failed > 0 ? `; continue with: ntk-sweep resume ${runDir}` : ''),
    );
  }
  return 0;
}

/** Without a target: every sweep on the cluster (--address), else every run folder under ./runs. */
async function listRuns(opts: ControlOptions): Promise<number> {
  if (opts.address) {
    const c = await connectClient({ address: opts.address, namespace: opts.namespace });
    try {
      const rows: Record<string, unknown>[] = [];
      for await (const w of c.client.workflow.list({ query: `WorkflowType = 'sweepWorkflow'` })) {
        const row = { workflow_id: w.workflowId, state: w.status.name.toLowerCase(), started: w.startTime.toISOString() };
        if (opts.json) rows.push(row);
        else out(`${row.workflow_id}  ${row.state}  started ${row.started}`);
      }
      if (opts.json) out(JSON.stringify(rows));
      else if (rows.length === 0 && !opts.json) out('(no sweeps)');
    } finally {
      await c.close();
    }
    return 0;
  }
  const root = path.resolve('runs');
  const runs = existsSync(root) ? readdirSync(root).map((n) => path.join(root, n)).filter(isRunFolder) : [];
  if (runs.length === 0) {
    out('no run folders under ./runs (name one: ntk-sweep status RUN_DIR, or --address HOST:PORT for a cluster)');
    return 0;
  }
  for (const r of runs) await statusCommand(r, opts);
  return 0;
}

/** `ntk-sweep cancel RUN_DIR|SWEEP_ID [--now]` */
export async function cancelCommand(target: string, opts: ControlOptions & { now?: boolean }): Promise<number> {
  const t = await resolveTarget(target, opts);
  if (!t.address) return cancelOffline(t);
  const c = await connectClient({ address: t.address, namespace: t.namespace });
  try {
    const d = await describe(c, t.sweepId);
    if (!d || d.status.name !== 'RUNNING') {
      out(`${t.sweepId} is not running${d ? ` (${d.status.name.toLowerCase()})` : ''}: nothing to cancel`);
      return 0;
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
  return 0;
}

/**
 * Cancelling a sweep whose embedded server is down: nothing runs, but its workflow is still open
 * in the server's database (resume would continue it). Starts the server briefly and closes it.
 */
async function cancelOffline(t: Target): Promise<number> {
  const runDir = t.runDir!;
  if (!existsSync(path.join(serverDir(runDir), 'temporal.db'))) {
    out(`${t.sweepId} is not running: nothing to cancel`);
    return 0;
  }
  const cli = await findTemporalCli();
  const server = await startDevServer({ cliPath: cli.path, runDir });
  try {
    const c = await connectClient({ address: server.address });
    try {
      const d = await describe(c, t.sweepId);
      if (d?.status.name === 'RUNNING') {
        await c.client.workflow.getHandle(sweepWorkflowId(t.sweepId)).terminate('ntk-sweep cancel (server was down)');
        out(`${t.sweepId} cancelled; complete trials stay in ${runDir} (ntk-sweep resume ${runDir} starts the rest again)`);
      } else out(`${t.sweepId} is not running: nothing to cancel`);
    } finally {
      await c.close();
    }
  } finally {
    await server.stop();
  }
  return 0;
}

/** `ntk-sweep pause RUN_DIR|SWEEP_ID`: no new trials start until `ntk-sweep resume`. */
export async function pauseCommand(target: string, opts: ControlOptions): Promise<number> {
  const t = await resolveTarget(target, opts);
  if (!t.address) throw new TemporalSetupError(`${t.sweepId} is not running (its server is down): nothing to pause`);
  const c = await connectClient({ address: t.address, namespace: t.namespace });
  try {
    await c.client.workflow.getHandle(sweepWorkflowId(t.sweepId)).signal(PAUSE_SIGNAL);
    out(`${t.sweepId}: paused — running trials finish, no new ones start; continue with: ntk-sweep resume ${t.runDir ?? t.sweepId}`);
  } finally {
    await c.close();
  }
  return 0;
}
