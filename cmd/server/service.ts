import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { v7 as uuidv7 } from 'uuid';
import { PostgresProbe } from '../../internal/adapter/postgres/postgres-probe.ts';
import { PostgresUserRepository } from '../../internal/adapter/postgres/postgres-user-repository.ts';
import { CheckReadiness } from '../../internal/app/health/check-readiness.use-case.ts';
import { CreateUser } from '../../internal/app/users/create-user.use-case.ts';
import { DeleteUser } from '../../internal/app/users/delete-user.use-case.ts';
import { GetUser } from '../../internal/app/users/get-user.use-case.ts';
import { ListUsers } from '../../internal/app/users/list-users.use-case.ts';
import { UpdateUser } from '../../internal/app/users/update-user.use-case.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import { startHttpServer } from '../../internal/platform/lifecycle/http-server.ts';
import { Shutdown } from '../../internal/platform/lifecycle/shutdown.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import { buildApp } from '../../internal/transport/http/app.ts';
import { openDatabase } from '../shared/database.ts';
import { API_SPEC_PATH } from '../shared/project-paths.ts';

export interface RunningService {
  readonly port: number;
  readonly embeddedDatabase: boolean;
  readonly shutdown: Shutdown;
}

/** Wires every adapter into the use-cases and starts serving; stop with `shutdown`. */
export async function startService(config: AppConfig, logger: Logger): Promise<RunningService> {
  const shutdown = new Shutdown(logger);
  const database = await openDatabase(config, logger);
  try {
    const users = new PostgresUserRepository(database.db);
    const apiSpecText = await readFile(API_SPEC_PATH, 'utf8');

    const app = buildApp({
      logger,
      bodyLimitBytes: config.http.bodyLimitBytes,
      requestBudgetMs: config.http.requestBudgetMs,
      apiSpec: parseYaml(apiSpecText) as object,
      apiSpecText,
      users: {
        createUser: new CreateUser(users, uuidv7),
        getUser: new GetUser(users),
        listUsers: new ListUsers(users),
        updateUser: new UpdateUser(users),
        deleteUser: new DeleteUser(users),
      },
      checkReadiness: new CheckReadiness([new PostgresProbe(database.db)], config.database.readyTimeoutMs, () => shutdown.inProgress),
      isShuttingDown: () => shutdown.inProgress,
    });

    const http = await startHttpServer(app, config.http);

    // Readiness already answers 503 once shutdown starts; the drain delay
    // gives load balancers time to notice before the listener closes.
    shutdown.add('drain delay', () => new Promise((resolve) => setTimeout(resolve, config.shutdown.drainDelayMs)));
    shutdown.add('http server', async () => {
      const { forced } = await http.stop(config.shutdown.graceMs);
      if (forced) logger.warn({ graceMs: config.shutdown.graceMs }, 'grace period over; open connections were cut');
    });
    shutdown.add('database', () => database.shutdown());
    return { port: http.port, embeddedDatabase: database.embedded, shutdown };
  } catch (error) {
    await database.shutdown();
    throw error;
  }
}
