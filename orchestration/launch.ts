/**
 * `ntk-sweep run` and `ntk-sweep resume` (docs/design.md §8): check everything first (config, run folder,
 * the server or the Temporal CLI) so that a problem starts nothing and writes nothing; write the
 * launch files; start the sweep workflow — or attach to it when it is already running
 * (./start-sweep.ts); then show its progress until it ends (./follow-and-report.ts).
 *
 * Without --address the sweep runs on the embedded server with in-process workers (./embedded-run.ts);
 * with --address on a cluster's workers (./cluster-run.ts); --detach returns once it is started
 * (./detach.ts).
 */
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { sweepWorkflowId } from '../workflows/shared.js';
import { runOnCluster } from './cluster-run.js';
import { connectClient, DEFAULT_NAMESPACE } from '../connection/connect.js';
import type { TransportSecurity } from '../connection/connection-options.js';
import { detachEmbedded } from './detach.js';
import { runEmbedded } from './embedded-run.js';
import { TemporalSetupError } from '../connection/errors.js';
import {
  checkRunFolder,
  findRunFolders,
  isRunFolder,
  planFromConfig,
  planFromRunFolder,
  writeLaunchFiles,
  type SweepPlan,
} from './run-folder.js';
import type { SweepCommandOptions } from './sweep-command-options.js';
import { findTemporalCli } from './temporal-cli.js';

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
async function locateRunFolder(
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
    throw new TemporalSetupError(
      `no sweep ${target} on the Temporal server at ${opts.address}; give its run folder instead`,
    );
  }
  const found = findRunFolders(path.resolve('runs'), target);
  if (found.length === 1) return found[0];
  if (found.length > 1)
    throw new TemporalSetupError(`several run folders hold the sweep ${target}: ${found.join(', ')}; name one`);
  throw new TemporalSetupError(
    `${target} is neither a run folder nor the id of a sweep under ./runs; give the run folder (e.g. runs/<name>)`,
  );
}

/** `fresh`: a `run`, which writes the launch files (once the server or the Temporal CLI is known to be there). */
async function execute(plan: SweepPlan, opts: SweepCommandOptions, fresh: boolean): Promise<number> {
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  if (opts.address) return runOnCluster(plan, { ...opts, address: opts.address }, namespace, fresh);
  const cli = await findTemporalCli();
  if (fresh) await writeLaunchFiles(plan);
  if (opts.detach) return detachEmbedded(plan, opts);
  return runEmbedded(plan, opts, cli, namespace, fresh);
}
