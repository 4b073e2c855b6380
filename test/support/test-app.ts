import createClient, { type Client } from 'openapi-fetch';
import { startService, type RunningService } from '../../cmd/server/service.ts';
import { loadConfig } from '../../internal/platform/config/load-config.ts';
import { createLogger, type Logger } from '../../internal/platform/logger/logger.ts';
import type { paths } from '../../internal/transport/http/api-schema.d.ts';
import { ContractChecker } from './contract.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export interface TestApp {
  readonly baseUrl: string;
  /** The generated client; every response it receives is checked against the contract. */
  readonly api: Client<paths>;
  readonly contract: ContractChecker;
  readonly database: TestDatabase;
  readonly service: RunningService;
  stop(): Promise<void>;
}

const contract = new ContractChecker();

/** The real service on a free port, over a fresh migrated database of its own. */
export async function startTestApp(env: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const { config } = loadConfig({ DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env });
  const service = await startService(config, options.logger ?? createLogger({ level: config.log.level }));
  const baseUrl = `http://127.0.0.1:${service.port}`;
  const api = createClient<paths>({ baseUrl });
  api.use(contract.middleware());
  return {
    baseUrl,
    api,
    contract,
    database,
    service,
    async stop() {
      await service.shutdown.shutdown();
      await database.drop();
    },
  };
}
