/**
 * The Temporal worker runtime of this process (a singleton in the SDK): its log level and whether
 * it stops workers on SIGINT/SIGTERM itself. The standalone `ntk-sweep worker` lets it; `ntk-sweep
 * run` handles Ctrl-C itself (workers first, then the embedded server), so it turns that off.
 */
import { DefaultLogger, IllegalStateError, Runtime, type LogLevel } from '@temporalio/worker';

export interface RuntimeSetup {
  /** SDK log level (default WARN: the CLI's own progress display is the user's view). */
  logLevel?: LogLevel;
  /** Let the SDK shut workers down on SIGINT, SIGTERM, SIGQUIT, SIGUSR2 (default false). */
  handleSignals?: boolean;
}

/**
 * Installs the runtime unless one is in use. The SDK drops its runtime once the last worker and
 * connection are gone, so a process that runs several sweeps installs it again before each.
 */
export function installWorkerRuntime(setup: RuntimeSetup = {}): void {
  const level = setup.logLevel ?? 'WARN';
  try {
    Runtime.install({
      logger: new DefaultLogger(level),
      telemetryOptions: { logging: { filter: { core: level, other: 'ERROR' }, forward: {} } },
      shutdownSignals: setup.handleSignals ? ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR2'] : [],
    });
  } catch (e) {
    if (!(e instanceof IllegalStateError)) throw e;
  }
}
