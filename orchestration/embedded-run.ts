/**
 * A sweep on the run's embedded server (no --address): this process owns the server and runs
 * in-process workers, stopped at the end (Ctrl-C stops them cleanly and prints how to resume) — or,
 * when another ntk-sweep already owns that server, watches the sweep there, and takes it over if
 * that process goes away.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { EXIT_INTERRUPTED, EXIT_SERVER_LOST } from '../src/exit-codes.js';
import { sweepWorkflowId } from '../workflows/shared.js';
import { connectClient, type ConnectedClient } from '../connection/connect.js';
import { readServerRecord, serverDir, serverDiskFull } from './dev-server.js';
import { noteBackendChoice, releaseOrphanedTrials, startEmbedded, type Embedded } from './embedded.js';
import { TemporalSetupError } from '../connection/errors.js';
import { queryProgress } from './follow.js';
import { interruption, lossOf, reportEnd, watchSweep } from './follow-and-report.js';
import { noteLine as note } from './progress.js';
import type { SweepPlan } from './run-folder.js';
import { announce, resumeIfPaused, startOrAttach } from './start-sweep.js';
import type { SweepCommandOptions } from './sweep-command-options.js';
import { clearSweepEnd, recordSweepEnd } from './sweep-state.js';
import type { TemporalCli } from './temporal-cli.js';

/** `run`/`resume` on the embedded server (`fresh`: a `run`); goes round again whenever it takes the sweep over. */
export async function runEmbedded(
  plan: SweepPlan,
  opts: SweepCommandOptions,
  cli: TemporalCli,
  namespace: string,
  fresh: boolean,
): Promise<number> {
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
    const { handle, attached } = await startOrAttach(conn.client, plan, opts, {
      watchOnly: !embedded.owner || takeover,
    });
    announce(
      plan,
      attached,
      embedded.owner ? 'the embedded Temporal server' : 'the embedded server of another ntk-sweep',
      embedded.uiUrl,
    );
    if (!fresh) await resumeIfPaused(conn, handle);
    if (embedded.owner) clearSweepEnd(plan.runDir);
    if (embedded.owner && !opts.activities)
      await noteBackendChoice(opts.backend ?? plan.loaded.config.execution.backend);
    let ownerGone = false;
    const { outcome, startedAtMs } = await watchSweep(handle, plan, opts, conn.connection, {
      interrupted: Promise.race([
        stop.interrupted,
        embedded.workersDone.then(() => new Promise<void>(() => {})),
        embedded.ownerGone.then(() => void (ownerGone = true)),
      ]),
      // The embedded server cannot come back once its process is gone; another owner's is not ours to report.
      serverLoss: embedded.owner
        ? {
            ...lossOf(plan, opts, 'the embedded Temporal server'),
            gone: () => (readServerRecord(plan.runDir) ? undefined : 'its process is gone'),
          }
        : undefined,
      // A server whose database cannot grow answers nothing and records nothing: say why.
      stalledBy: () => serverDiskFull(plan.runDir),
    });
    if (embedded.owner) recordSweepEnd(plan.runDir, outcome);
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
    return reportEnd(outcome, plan, opts, startedAtMs);
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
