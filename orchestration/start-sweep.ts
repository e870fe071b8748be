/**
 * Starting a sweep's workflow, or attaching to it when it already runs (its id is
 * `sweep-<sweep id>`), and what every launch says about it: where it runs, and that a paused sweep
 * was resumed.
 */
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { sweepWorkflow } from '../workflows/sweep.js';
import { CPU_QUEUE, RESUME_SIGNAL, sweepWorkflowId, type SweepInput, type SweepProgress } from '../workflows/shared.js';
import type { ConnectedClient } from '../connection/connect.js';
import { queryProgress } from './follow.js';
import { noteLine as note } from './progress.js';
import type { SweepPlan } from './run-folder.js';
import type { SweepCommandOptions } from './sweep-command-options.js';

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

export interface Started {
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
    if (how.watchOnly && !attached)
      return { handle: client.workflow.getHandle<typeof sweepWorkflow>(workflowId), attached: true };
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

export function announce(plan: SweepPlan, attached: boolean, where: string, uiUrl?: string): void {
  const what = attached ? `attached to the running sweep ${plan.sweepId}` : `started the sweep ${plan.sweepId}`;
  note(`${what} (${plan.trialCount} trials) on ${where}; run folder ${plan.runDir}`);
  if (uiUrl) note(`Temporal UI: ${uiUrl}`);
}

/** `resume` of a paused sweep lifts the pause. */
export async function resumeIfPaused(conn: ConnectedClient, handle: WorkflowHandle): Promise<void> {
  const p: SweepProgress | undefined = await queryProgress(conn.connection, handle, 2000);
  if (p?.paused) {
    await handle.signal(RESUME_SIGNAL);
    note('the sweep was paused; resumed it');
  }
}
