import { parseArgs } from 'node:util';
import { createLogger } from '../../internal/platform/logger/logger.ts';
import { startPaymentSandbox } from '../../internal/sandbox/payment-gateway/start-sandbox.ts';

// The sandbox payment gateway on its own: `npm run payment-sandbox -- --port 8099 [--host 0.0.0.0]`.
const USAGE = 'usage: npm run payment-sandbox -- [--port <port>] [--host <host>]   (or PORT=<port>)';
const DEFAULT_PORT = 8099;

const logger = createLogger({ level: 'info', service: 'payment-sandbox' });

let settings: { port: number; host: string };
try {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
  const portText = values.port ?? process.env.PORT;
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid port "${portText}"`);
  settings = { port, host: values.host ?? '127.0.0.1' };
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

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
