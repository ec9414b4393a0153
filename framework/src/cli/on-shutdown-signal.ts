// Graceful stop of long-running commands: on the first SIGTERM or SIGINT, log, stop, exit 0 (1 if stopping failed).
import type { Logger } from 'pino';

/**
 * On SIGTERM or SIGINT (once), log `announce`, await `stop()` and exit 0 after logging `stopped` with
 * what `stop` returned; if `stop()` rejects, log it and exit 1.
 */
export function onShutdownSignal(logger: Logger, announce: string, stop: () => Promise<Record<string, unknown>>): void {
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, `${signal}: ${announce}`);
    stop().then(
      (outcome) => {
        logger.info(outcome, 'stopped');
        process.exit(0);
      },
      (error: Error) => {
        logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
