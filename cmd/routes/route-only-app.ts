import { readFile } from 'node:fs/promises';
import type { Express } from 'express';
import { parse as parseYaml } from 'yaml';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import { buildApp, type AppDeps } from '../../internal/transport/http/app.ts';
import { API_SPEC_PATH } from '../shared/project-paths.ts';

/**
 * The service's Express app with its real middleware and routes but no
 * adapters behind them: for reading the route table without a database.
 * Any use-case it would call throws.
 */
export async function routeOnlyApp(config: AppConfig, logger: Logger): Promise<Express> {
  const apiSpecText = await readFile(API_SPEC_PATH, 'utf8');
  const real: Partial<AppDeps> = {
    logger,
    http: config.http,
    rateLimit: config.rateLimit,
    apiSpec: parseYaml(apiSpecText) as object,
    apiSpecText,
    isShuttingDown: () => false,
  };
  const deps = new Proxy(real, {
    get: (target, key) => (key in target ? target[key as keyof AppDeps] : inert(String(key))),
  }) as AppDeps;
  return buildApp(deps);
}

// Stands for any use-case object: reading through it is fine, calling anything throws.
function inert(path: string): unknown {
  const fail = () => {
    throw new Error(`${path} is not wired: this app only lists routes`);
  };
  return new Proxy(fail, {
    get: (_target, key) => (key === 'then' ? undefined : inert(`${path}.${String(key)}`)),
    apply: fail,
    construct: fail,
  });
}
