/**
 * Options shared by `run` and `resume` (and the server options of `status`, `cancel`, `pause`),
 * and their translation to orchestration/sweep-command-options.ts.
 */
import type { Argv } from 'yargs';
import { BACKEND_NAMES, type BackendName } from '../../src/backend/names.js';
import {
  resolveSecurity,
  SECURITY_ENV,
  SECURITY_FLAGS,
  type TransportSecurity,
} from '../../connection/connection-options.js';
import type { SweepCommandOptions } from '../../orchestration/sweep-command-options.js';
import type { ProgressMode } from '../../orchestration/progress.js';
import { withJsonAlias } from '../flag-conventions.js';
import { UsageError } from '../usage-error.js';

export interface ServerArgs {
  address?: string;
  namespace?: string;
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsServerName?: string;
  apiKey?: string;
}

export interface SweepArgs extends ServerArgs {
  detach?: boolean;
  format?: 'text' | 'json';
  json?: boolean;
  progress?: ProgressMode;
  interval?: number;
  uiPort?: number;
  backend?: BackendName;
  executors?: number;
  heartbeatTimeout?: number;
  checkpointEvery?: number;
  maxHistoryEvents?: number;
}

/** The `target` positional of resume, status, cancel and pause: a run folder or a sweep id. */
export function withTarget<T>(y: Argv<T>, required = true): Argv<T> {
  return y.positional('target', {
    type: 'string',
    describe: 'run folder, or sweep id',
    demandOption: required,
  }) as Argv<T>;
}

export function serverOptions<T>(y: Argv<T>): Argv<T & ServerArgs> {
  return y
    .option('address', {
      type: 'string',
      describe: 'HOST:PORT of a Temporal server (a cluster with its own workers); default: the embedded server',
    })
    .option('namespace', { type: 'string', describe: 'Temporal namespace (default: default)' })
    .option(SECURITY_FLAGS.tls, {
      type: 'boolean',
      describe: `connect to --address over TLS (env ${SECURITY_ENV.tls}; on with any option below)`,
    })
    .option(SECURITY_FLAGS.certFile, {
      type: 'string',
      describe: `client certificate, PEM, for mutual TLS (env ${SECURITY_ENV.certFile})`,
    })
    .option(SECURITY_FLAGS.keyFile, {
      type: 'string',
      describe: `private key of --tls-cert, PEM (env ${SECURITY_ENV.keyFile})`,
    })
    .option(SECURITY_FLAGS.caFile, {
      type: 'string',
      describe: `CA certificate of the server, PEM (env ${SECURITY_ENV.caFile}; default: the system's)`,
    })
    .option(SECURITY_FLAGS.serverName, {
      type: 'string',
      describe: `name on the server's certificate, if not the host's (env ${SECURITY_ENV.serverName})`,
    })
    .option(SECURITY_FLAGS.apiKey, {
      type: 'string',
      describe: `API key, e.g. for Temporal Cloud (env ${SECURITY_ENV.apiKey})`,
    }) as Argv<T & ServerArgs>;
}

/** The transport security of ServerArgs: the flags, completed from the Temporal CLI's environment variables. */
export function toSecurity(a: ServerArgs): TransportSecurity {
  return resolveSecurity({
    tls: a.tls,
    certFile: a.tlsCert,
    keyFile: a.tlsKey,
    caFile: a.tlsCa,
    serverName: a.tlsServerName,
    apiKey: a.apiKey,
  });
}

/** ServerArgs as the options of status, cancel and pause. */
export function toControlOptions<T extends ServerArgs>(a: T): T & { security: TransportSecurity } {
  return { ...a, security: toSecurity(a) };
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
    .option('backend', {
      choices: BACKEND_NAMES,
      describe: 'compute backend of the embedded workers (default: the config’s)',
    })
    .option('executors', {
      type: 'number',
      describe:
        'trial executors (threads) of the embedded worker (default: execution.max_parallel; 0: on the main thread)',
    })
    .option('heartbeat-timeout', {
      type: 'number',
      hidden: true,
      describe: 'seconds without a heartbeat before a trial is retried elsewhere (default 30)',
    })
    .option('checkpoint-every', {
      type: 'number',
      hidden: true,
      describe: 'training steps between checkpoints (default 200)',
    })
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

/** A number of executors: a whole number ≥ 0 (0: trials on the main thread). */
export function executorCount(name: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 0)
    throw new UsageError(`ntk-sweep: --${name} must be a whole number ≥ 0, found ${v}`);
  return v;
}

export function toSweepOptions(a: SweepArgs & { yes?: boolean }): SweepCommandOptions {
  const given = Object.values(SECURITY_FLAGS).find((f) => (a as Record<string, unknown>)[f] !== undefined);
  if (given && !a.address) {
    throw new UsageError(
      `ntk-sweep: --${given} secures the connection to a cluster; give --address HOST:PORT (the embedded server is local)`,
    );
  }
  return {
    address: a.address,
    namespace: a.namespace,
    security: a.address ? toSecurity(a) : undefined,
    detach: a.detach,
    json: a.format === 'json' || a.progress === 'json',
    progress: a.progress,
    intervalS: positive('interval', a.interval),
    uiPort: positive('ui-port', a.uiPort),
    backend: a.backend,
    executors: executorCount('executors', a.executors),
    yes: a.yes,
    heartbeatTimeoutS: positive('heartbeat-timeout', a.heartbeatTimeout),
    checkpointEvery: positive('checkpoint-every', a.checkpointEvery),
    maxHistoryEvents: positive('max-history-events', a.maxHistoryEvents),
  };
}
