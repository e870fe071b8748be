/**
 * The Temporal worker runtime of this process (a singleton in the SDK): its log level and whether
 * it stops workers on SIGINT/SIGTERM itself. The standalone `ntk-sweep worker` lets it; `ntk-sweep
 * run` handles Ctrl-C itself (workers first, then the embedded server), so it turns that off.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

export interface RuntimeSetup {
  /** SDK log level (default WARN: the CLI's own progress display is the user's view). */
  logLevel?: LogLevel;
  /** Let the SDK shut workers down on SIGINT, SIGTERM, SIGQUIT, SIGUSR2 (default false). */
  handleSignals?: boolean;
}

/** Installs the runtime once per process; later calls keep the first setup. */
export function installWorkerRuntime(setup: RuntimeSetup = {}): void {
  if (installed) return;
  const level = setup.logLevel ?? 'WARN';
  Runtime.install({
    logger: new DefaultLogger(level),
    telemetryOptions: { logging: { filter: { core: level, other: 'ERROR' }, forward: {} } },
    shutdownSignals: setup.handleSignals ? ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR2'] : [],
  });
  installed = true;
}
