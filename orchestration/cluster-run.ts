/**
 * A sweep on a cluster (`--address`): the server is reached before anything is written; the sweep
 * runs on the cluster's workers, so Ctrl-C (or --detach) only stops watching and the sweep goes on.
 */
import { EXIT_INTERRUPTED, EXIT_SERVER_LOST } from '../src/exit-codes.js';
import { connectClient, type ConnectedClient } from '../connection/connect.js';
import { detachedOnCluster } from './detach.js';
import { interruption, lossOf, reportEnd, watchSweep } from './follow-and-report.js';
import { noteLine as note } from './progress.js';
import { writeLaunchFiles, type SweepPlan } from './run-folder.js';
import { announce, resumeIfPaused, startOrAttach } from './start-sweep.js';
import type { SweepCommandOptions } from './sweep-command-options.js';

/** `run`/`resume` with --address (`fresh`: a `run`, which writes the launch files). */
export async function runOnCluster(
  plan: SweepPlan,
  opts: SweepCommandOptions & { address: string },
  namespace: string,
  fresh: boolean,
): Promise<number> {
  // Reachable before anything is written.
  const conn = await connectClient({
    address: opts.address,
    namespace,
    security: opts.security,
    embeddedAlternative: true,
  });
  try {
    if (fresh) await writeLaunchFiles(plan, { address: opts.address, namespace });
    return await onCluster(plan, opts, conn, fresh);
  } finally {
    await conn.close();
  }
}

async function onCluster(
  plan: SweepPlan,
  opts: SweepCommandOptions & { address: string },
  conn: ConnectedClient,
  fresh: boolean,
): Promise<number> {
  const { handle, attached } = await startOrAttach(conn.client, plan, opts);
  announce(plan, attached, `the Temporal server at ${opts.address}`);
  if (!fresh) await resumeIfPaused(conn, handle);
  const follow = `ntk-sweep status ${plan.sweepId} --address ${opts.address}`;
  if (opts.detach) return detachedOnCluster(plan, opts, handle.workflowId, attached, follow);
  const stop = interruption();
  try {
    const { outcome, startedAtMs } = await watchSweep(handle, plan, opts, conn.connection, {
      interrupted: stop.interrupted,
      serverLoss: lossOf(plan, opts, `the Temporal server at ${opts.address}`),
    });
    if (outcome.kind === 'lost') return EXIT_SERVER_LOST;
    if (outcome.kind === 'interrupted') {
      note(`stopped watching; the sweep goes on on the cluster. Follow it with:\n  ${follow}`);
      return EXIT_INTERRUPTED;
    }
    return reportEnd(outcome, plan, opts, startedAtMs);
  } finally {
    stop.dispose();
  }
}
