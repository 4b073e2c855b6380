import { failUsage, parseCommandLine } from '../shared/command-setup.ts';
import { createLogger } from '../../internal/platform/logger/logger.ts';
import { startPaymentSandbox } from '../../internal/sandbox/payment-gateway/start-sandbox.ts';

// The sandbox payment gateway on its own: `npm run payment-sandbox -- --port 8099 [--host 0.0.0.0]`.
const USAGE = `usage: npm run payment-sandbox -- [--port PORT] [--host HOST]
  --port PORT  port to listen on (default $PORT, else 8099; 0 picks a free one)
  --host HOST  interface to bind (default 127.0.0.1)
Runs the sandbox payment gateway on its own (point PAYMENT_GATEWAY_URL at it).`;
const DEFAULT_PORT = 8099;

const logger = createLogger({ level: 'info', service: 'payment-sandbox' });

const values = parseCommandLine(USAGE, { port: { type: 'string' }, host: { type: 'string' } } as const);
const portText = values.port ?? process.env.PORT;
const port = portText === undefined ? DEFAULT_PORT : Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65_535) failUsage(USAGE, `invalid port "${portText}"`);
const settings = { port, host: values.host ?? '127.0.0.1' };

try {
  const sandbox = await startPaymentSandbox({ ...settings, onError: (err) => logger.error({ err }, 'unexpected error') });
  const stop = (signal: NodeJS.Signals): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    void sandbox.stop().then(() => logger.info({ signal }, 'payment sandbox stopped'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.info({ url: sandbox.url }, 'payment sandbox listening');
} catch (error) {
  logger.fatal({ err: error }, 'payment sandbox failed to start');
  process.exit(1);
}
