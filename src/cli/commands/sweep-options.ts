/**
 * Options shared by `run` and `resume` (and the server options of `status`, `cancel`, `pause`),
 * and their translation to orchestration/launch.ts's options.
 */
import type { Argv } from 'yargs';
import { BACKEND_NAMES, type BackendName } from '../../backend/names.js';
import type { SweepCommandOptions } from '../../../orchestration/launch.js';
import type { ProgressMode } from '../../../orchestration/progress.js';
import { withJsonAlias } from '../flag-conventions.js';
import { UsageError } from '../usage-error.js';

export interface ServerArgs {
  address?: string;
  namespace?: string;
}

export interface SweepArgs extends ServerArgs {
  detach?: boolean;
  format?: 'text' | 'json';
  json?: boolean;
  progress?: ProgressMode;
  interval?: number;
  uiPort?: number;
  backend?: BackendName;
  heartbeatTimeout?: number;
  checkpointEvery?: number;
  maxHistoryEvents?: number;
}

export function serverOptions<T>(y: Argv<T>): Argv<T & ServerArgs> {
  return y
    .option('address', {
      type: 'string',
      describe: 'HOST:PORT of a Temporal server (a cluster with its own workers); default: the embedded server',
    })
    .option('namespace', { type: 'string', describe: 'Temporal namespace (default: default)' }) as Argv<T & ServerArgs>;
}

export function sweepOptions<T>(y: Argv<T>): Argv<T & SweepArgs> {
  return serverOptions(withJsonAlias(y))
    .option('detach', { type: 'boolean', describe: 'start the sweep and return; it runs on without this command' })
    .option('format', {
      choices: ['text', 'json'] as const,
      default: 'text' as const,
      describe: 'json: progress as JSON lines and the result as JSON, on stdout',
    })
    .option('progress', {
      choices: ['bar', 'lines', 'json'] as const,
      describe: 'progress display (default: a bar on a terminal, plain lines otherwise; json is --format json)',
    })
    .option('interval', { type: 'number', describe: 'seconds between plain progress lines', default: 10 })
    .option('ui-port', { type: 'number', describe: 'serve the embedded server’s Temporal web UI on this port' })
    .option('backend', { choices: BACKEND_NAMES, describe: 'compute backend of the embedded workers (default: the config’s)' })
    .option('heartbeat-timeout', {
      type: 'number',
      hidden: true,
      describe: 'seconds without a heartbeat before a trial is retried elsewhere (default 30)',
    })
    .option('checkpoint-every', { type: 'number', hidden: true, describe: 'training steps between checkpoints (default 200)' })
    .option('max-history-events', {
      type: 'number',
      hidden: true,
      describe: 'history events before the workflow continues as new (default 2000)',
    }) as unknown as Argv<T & SweepArgs>;
}

function positive(name: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isFinite(v) || v <= 0) throw new UsageError(`ntk-sweep: --${name} must be a positive number, found ${v}`);
  return v;
}

export function toSweepOptions(a: SweepArgs & { yes?: boolean }): SweepCommandOptions {
  return {
    address: a.address,
    namespace: a.namespace,
    detach: a.detach,
    json: a.format === 'json' || a.progress === 'json',
    progress: a.progress,
    intervalS: positive('interval', a.interval),
    uiPort: positive('ui-port', a.uiPort),
    backend: a.backend,
    yes: a.yes,
    heartbeatTimeoutS: positive('heartbeat-timeout', a.heartbeatTimeout),
    checkpointEvery: positive('checkpoint-every', a.checkpointEvery),
    maxHistoryEvents: positive('max-history-events', a.maxHistoryEvents),
  };
}
