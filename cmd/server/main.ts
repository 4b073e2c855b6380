import { createLogger } from '../../internal/platform/logger/logger.ts';
import { loadConfigOrExit } from '../shared/command-setup.ts';
import { startService } from './service.ts';

const { config } = loadConfigOrExit();
const logger = createLogger({ level: config.log.level });

process.on('unhandledRejection', (reason) => {
  logger.fatal({ err: reason }, 'unhandled promise rejection');
  process.exit(1);
});

// What was sized from the container's limits (unless set explicitly), and why.
if (config.sizing) logger.info({ sizing: config.sizing }, 'concurrency sized from the container limits');

try {
  const service = await startService(config, logger);
  service.shutdown.listen((clean) => {
    logger.info({ clean }, 'ordersvc stopped');
    process.exitCode = clean ? 0 : 1;
    // Everything is closed, so the loop should end by itself; if a stray
    // handle keeps it alive, do not hang the orchestrator.
    setTimeout(() => {
      logger.warn('handles still open after shutdown; exiting anyway');
      process.exit();
    }, 5_000).unref();
  });
  // Only now: a supervisor that sees this line may send signals and expect a clean stop.
  logger.info({ port: service.port, embeddedDatabase: service.embeddedDatabase }, 'ordersvc listening');
} catch (error) {
  logger.fatal({ err: error }, 'ordersvc failed to start');
  process.exit(1);
}
