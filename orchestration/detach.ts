/**
 * `run --detach`: start the sweep and return. On a cluster the sweep runs on the cluster's workers
 * already; without --address the embedded server and workers must outlive this command, so a
 * background `ntk-sweep resume RUN` runs them (its output in RUN/.temporal/run.log).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { EXIT_OK } from '../src/exit-codes.js';
import { isAlive, readServerRecord, serverDir } from './dev-server.js';
import { TemporalSetupError } from '../connection/errors.js';
import { noteLine as note } from './progress.js';
import type { SweepPlan } from './run-folder.js';
import type { SweepCommandOptions } from './sweep-command-options.js';
import { PROJECT_ROOT } from './temporal-cli.js';

/** What a detached launch on a cluster says (the sweep is started already): how to follow it. */
export function detachedOnCluster(
  plan: SweepPlan,
  opts: SweepCommandOptions,
  workflowId: string,
  attached: boolean,
  follow: string,
): number {
  if (opts.json)
    process.stdout.write(
      `${JSON.stringify({ sweep_id: plan.sweepId, workflow_id: workflowId, attached, run_dir: plan.runDir })}\n`,
    );
  note(`detached; the sweep runs on the cluster's workers. Follow it with:\n  ${follow}`);
  return EXIT_OK;
}

/** Starts the background `ntk-sweep resume RUN` and waits until its server is up, then returns. */
export async function detachEmbedded(plan: SweepPlan, opts: SweepCommandOptions): Promise<number> {
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
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify({ sweep_id: plan.sweepId, pid: child.pid, address: rec.address, run_dir: plan.runDir })}\n`,
        );
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
