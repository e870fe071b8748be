/** What `ntk-sweep run` and `resume` are asked to do (cli/commands/sweep-options.ts fills it from the flags). */
import type { SweepActivities } from '../activities/index.js';
import type { BackendName } from '../src/backend/select.js';
import type { TransportSecurity } from '../connection/connection-options.js';
import type { ProgressMode } from './progress.js';

export interface SweepCommandOptions {
  /** HOST:PORT of a Temporal frontend; absent: the embedded server. */
  address?: string;
  namespace?: string;
  /** TLS, mutual TLS, API key for `address`. */
  security?: TransportSecurity;
  /** Start (or attach) and return at once. */
  detach?: boolean;
  /** Progress as JSON lines on stdout, and the result as JSON. */
  json?: boolean;
  /** Force a progress display (default: a bar on a terminal, plain lines otherwise). */
  progress?: ProgressMode;
  /** Seconds between plain progress lines. */
  intervalS?: number;
  /** Serve the embedded server's web UI on this port. */
  uiPort?: number;
  /** Backend of the in-process trial worker (default: the config's). */
  backend?: BackendName;
  /** Trial executors of the embedded worker (default: execution.max_parallel; 0: in-process). */
  executors?: number;
  /** Allow grids above the size limit. */
  yes?: boolean;
  /** Workflow tunables (SweepInput); defaults in workflows/sweep.ts. */
  heartbeatTimeoutS?: number;
  checkpointEvery?: number;
  maxHistoryEvents?: number;
  /** Replaces the in-process workers' activities (tests). */
  activities?: SweepActivities;
}
