import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../internal/platform/config/load-config.ts';
import { createLogger } from '../../internal/platform/logger/logger.ts';
import { routeConflicts, routeTable } from '../../internal/transport/http/route-table.ts';
import { API_SPEC_PATH } from '../shared/project-paths.ts';
import { routeOnlyApp } from './route-only-app.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

async function contractOperations(): Promise<string[]> {
  const spec = parseYaml(await readFile(API_SPEC_PATH, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
  );
}

describe("the service's route table", () => {
  it('when the app is built, then it is unambiguous and answers exactly the operations of the contract', async () => {
    const routes = routeTable(await routeOnlyApp(loadConfig({}).config, createLogger({ level: 'silent' })));
    // The contract itself and its browser reference are served beside the API, not part of it.
    const served = routes.filter((route) => route.path !== '/openapi.yaml' && route.path !== '/docs' && !route.path.startsWith('/docs/')).map((route) => `${route.method} ${route.path.replace(/:[A-Za-z0-9_]+/g, ':p')}`);
    const specified = (await contractOperations()).map((operation) => operation.replace(/:[A-Za-z0-9_]+/g, ':p'));

    expect(routeConflicts(routes)).toEqual([]);
    expect([...served].sort()).toEqual([...specified].sort());
  });
});
