import { randomBytes } from 'node:crypto';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import createClient, { type Client } from 'openapi-fetch';
import { inject } from 'vitest';
import { startService, type RunningService } from '../../cmd/server/service.ts';
import { loadConfig } from '../../internal/platform/config/load-config.ts';
import { createLogger, type Logger } from '../../internal/platform/logger/logger.ts';
import type { components, paths } from '../../internal/transport/http/api-schema.d.ts';
import { ContractChecker } from './contract.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export type UserDto = components['schemas']['User'];

export interface SignedIn {
  readonly token: string;
  readonly user: UserDto;
  /** A client that sends this user's bearer token, contract-checked like `api`. */
  readonly api: Client<paths>;
}

export interface TestApp {
  readonly baseUrl: string;
  /** The generated client; every response it receives is checked against the contract. */
  readonly api: Client<paths>;
  readonly contract: ContractChecker;
  readonly database: TestDatabase;
  readonly service: RunningService;
  /** The admin created at start from the bootstrap settings, signed in. */
  admin(): Promise<SignedIn>;
  /** Registers a fresh customer and signs them in. */
  customer(): Promise<SignedIn>;
  signIn(email: string, password: string): Promise<SignedIn>;
  clientWithToken(token: string): Client<paths>;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  readonly logger?: Logger;
  /** Share a database with another instance (it is then not dropped by this one). */
  readonly database?: TestDatabase;
  /** Use Redis (the test Redis, under a prefix of its own unless `redisPrefix` is given). */
  readonly redis?: boolean;
  readonly redisUrl?: string;
  readonly redisPrefix?: string;
  readonly onQuery?: (sql: string) => void;
  /** With TRACING_ENABLED=true: every span ends up here (e.g. an InMemorySpanExporter) instead of the collector. */
  readonly spanExporter?: SpanExporter;
}

const contract = new ContractChecker();
export const ADMIN_EMAIL = 'admin@ordersvc.test';
export const ADMIN_PASSWORD = 'correct horse battery staple';

/** The real service on a free port, over a fresh migrated database of its own. */
export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const redisUrl = options.redisUrl ?? (options.redis ? inject('redisUrl') : '');
  const configEnv = {
    DATABASE_URL: database.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ADMIN_BOOTSTRAP_EMAIL: ADMIN_EMAIL,
    ADMIN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD,
    RATE_LIMIT_AUTH_PER_WINDOW: '1000',
    PASSWORD_HASH_CONCURRENCY: '4',
    // Tests run side by side: a free port each, not the fixed default.
    DIAGNOSTICS_PORT: '0',
    GRPC_PORT: '0',
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: options.redisPrefix ?? `test-${randomBytes(4).toString('hex')}:` } : {}),
    ...env,
  };
  const { config } = loadConfig(configEnv);
  const service = await startService(config, options.logger ?? createLogger({ level: config.log.level }), {
    // A reload (SIGHUP, CONFIG_FILE) reads this environment again, not the test process's.
    configEnv,
    ...(options.onQuery ? { onQuery: ({ sql }) => options.onQuery?.(sql) } : {}),
    ...(options.spanExporter ? { spanExporter: options.spanExporter } : {}),
  });
  const baseUrl = `http://127.0.0.1:${service.port}`;
  const clientWithToken = (token?: string): Client<paths> => {
    const client = createClient<paths>({ baseUrl, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });
    client.use(contract.middleware());
    return client;
  };
  const api = clientWithToken();

  const signIn = async (email: string, password: string): Promise<SignedIn> => {
    const { data, response } = await api.POST('/v1/auth/login', { body: { email, password } });
    if (!data) throw new Error(`sign-in of ${email} failed with ${response.status}`);
    return { token: data.token, user: data.user, api: clientWithToken(data.token) };
  };
  let counter = 0;

  return {
    baseUrl,
    api,
    contract,
    database,
    service,
    admin: () => signIn(ADMIN_EMAIL, ADMIN_PASSWORD),
    async customer() {
      counter += 1;
      const email = `customer.${counter}.${randomBytes(4).toString('hex')}@example.com`;
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const { response } = await api.POST('/v1/auth/register', { body: { name: `Customer ${counter}`, email, password } });
      if (response.status !== 201) throw new Error(`registration failed with ${response.status}`);
      return signIn(email, password);
    },
    signIn,
    clientWithToken,
    async stop() {
      await service.shutdown.shutdown();
      if (!options.database) await database.drop();
    },
  };
}
