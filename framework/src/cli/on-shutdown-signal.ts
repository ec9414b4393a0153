// Graceful stop of long-running commands: on the first SIGTERM or SIGINT, log, stop, exit 0 (1 if stopping failed).
import type { Logger } from 'pino';

/**
 * On SIGTERM or SIGINT, log `announce`, await `stop()` and exit 0 after logging `stopped` with what `stop`
 * returned; if `stop()` rejects, log it and exit 1. Later signals are logged and change nothing: the first stop,
 * and its deadlines, go on (Ctrl-C on `pym start` sends SIGINT to its worker processes, then their supervisor
 * sends SIGTERM).
 */
export function onShutdownSignal(logger: Logger, announce: string, stop: () => Promise<Record<string, unknown>>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.info({ signal }, `${signal}: already stopping`);
      return;
    }
    stopping = true;
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
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
