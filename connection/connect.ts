/**
 * Connecting to a Temporal server (the embedded one or a cluster's frontend): a client for
 * starting, querying and signalling sweeps, and a native connection for workers, both with the
 * transport security of ./connection-options.ts. An address that does not answer, or refuses the
 * connection (TLS), is a {@link TemporalSetupError} naming it, raised before anything is started.
 */
import { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import {
  describeSecurity,
  SECURITY_ENV,
  SECURITY_FLAGS,
  secureOptions,
  type TransportSecurity,
} from './connection-options.js';
import { TemporalSetupError } from './errors.js';
import { probeRefusal } from './tls-probe.js';

export const DEFAULT_NAMESPACE = 'default';

export interface ServerRef {
  /** host:port of the frontend gRPC service. */
  address: string;
  namespace?: string;
  /** TLS, mutual TLS, API key (a cluster); absent: plain. */
  security?: TransportSecurity;
  /** The command could run on the embedded server instead (run, resume): say so when `address` does not answer. */
  embeddedAlternative?: boolean;
}

export interface ConnectedClient {
  client: Client;
  connection: Connection;
  close(): Promise<void>;
}

/** Checks HOST:PORT before dialling it, so a typo gets a message about the typo. */
export function checkAddress(address: string): void {
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$/.test(address)) {
    throw new TemporalSetupError(`--address ${address}: expected HOST:PORT (e.g. localhost:7233)`);
  }
}

/** Says why `ref` could not be used: refused in TLS (./tls-probe.ts), or not reachable at all. */
async function unreachable(ref: ServerRef, e: unknown): Promise<TemporalSetupError> {
  const why = (e as Error).message.split('\n')[0];
  const refusal = await probeRefusal(ref.address, secureOptions(ref.security)).catch(() => undefined);
  if (refusal || (e as { code?: number }).code === 16) {
    return new TemporalSetupError(
      `the Temporal server at ${ref.address} refused the connection (${describeSecurity(ref.security)}): ${refusal ?? why}\n` +
        `(connection options: ${Object.entries(SECURITY_FLAGS)
          .map(([k, f]) => `--${f} or ${SECURITY_ENV[k as keyof typeof SECURITY_FLAGS]}`)
          .join(', ')})`,
    );
  }
  return new TemporalSetupError(
    `cannot reach a Temporal server at ${ref.address} (${why}); check the address and that the server is running` +
      (ref.embeddedAlternative ? ', or leave out --address to use the embedded server' : ''),
  );
}

/** A client on `ref`, checked with a round trip (namespace lookup). */
export async function connectClient(ref: ServerRef, timeoutMs = 5000): Promise<ConnectedClient> {
  checkAddress(ref.address);
  const namespace = ref.namespace ?? DEFAULT_NAMESPACE;
  const secure = secureOptions(ref.security);
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: ref.address, connectTimeout: timeoutMs, ...secure });
  } catch (e) {
    throw await unreachable(ref, e);
  }
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (e) {
    await connection.close();
    const msg = (e as Error).message;
    if (/not found/i.test(msg)) {
      throw new TemporalSetupError(`the Temporal server at ${ref.address} has no namespace '${namespace}'`);
    }
    throw await unreachable(ref, e);
  }
  return { client: new Client({ connection, namespace }), connection, close: () => connection.close() };
}

/** A worker connection on `ref` (the worker's own gRPC client, in the Rust core). */
export async function connectWorker(ref: ServerRef): Promise<NativeConnection> {
  checkAddress(ref.address);
  const secure = secureOptions(ref.security);
  // The worker package (its native core) only where a worker runs: status and cancel start faster without it.
  const { NativeConnection } = await import('@temporalio/worker');
  try {
    return await NativeConnection.connect({ address: ref.address, ...secure });
  } catch (e) {
    throw await unreachable(ref, e);
  }
}
