import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Fields that never reach a log line, wherever they appear. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.card_token',
  '*.card_number',
  '*.cvc',
  '*.secret',
  '*.databaseUrl',
  'password',
  'token',
  'secret',
];

export interface LoggerOptions {
  readonly level: string;
  readonly service?: string;
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service ?? 'ordersvc' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
