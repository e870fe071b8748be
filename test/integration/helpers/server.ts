/**
 * A real Temporal dev server for a test: one of its own in a scratch folder, or the embedded
 * server of a finished run folder restarted on its database to read the sweep's histories.
 */
import type { Client } from '@temporalio/client';
import { connectClient } from '../../../connection/connect.js';
import { startDevServer, type DevServer } from '../../../orchestration/dev-server.js';
import { findTemporalCli } from '../../../orchestration/temporal-cli.js';

export interface TestServer {
  server: DevServer;
  client: Client;
  stop(): Promise<void>;
}

/** Starts the dev server whose database is RUN/.temporal/temporal.db (a new one in an empty folder). */
export async function startServerFor(runDir: string): Promise<TestServer> {
  const cli = await findTemporalCli();
  const server = await startDevServer({ cliPath: cli.path, runDir });
  const c = await connectClient({ address: server.address });
  return {
    server,
    client: c.client,
    async stop() {
      await c.close();
      await server.stop();
    },
  };
}

/** Runs `fn` with a client on the run folder's (restarted) embedded server. */
export async function withRunServer<T>(runDir: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const s = await startServerFor(runDir);
  try {
    return await fn(s.client);
  } finally {
    await s.stop();
  }
}
