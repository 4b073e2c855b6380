import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../cmd/shared/project-paths.ts';

/** The API Deployment the bench takes the service's runtime settings from. */
export const API_DEPLOYMENT = join('deployments', 'k8s', 'app', 'api-deployment.yaml');

// The settings of the runtime itself, as opposed to the service's configuration: V8's heap flags and glibc's allocator.
const RUNTIME_VARIABLE = /^(NODE_OPTIONS|MALLOC_[A-Z_]+)$/;

interface EnvVar {
  readonly name?: unknown;
  readonly value?: unknown;
}

type Manifest = { spec?: { template?: { spec?: { containers?: { env?: EnvVar[] }[] } } } } | null;

/** NODE_OPTIONS and MALLOC_* of the first container that sets NODE_OPTIONS in a manifest's text; empty when none does. */
export function runtimeEnvOf(manifest: string): Record<string, string> {
  for (const document of parseAllDocuments(manifest)) {
    for (const container of (document.toJS() as Manifest)?.spec?.template?.spec?.containers ?? []) {
      const env = (container.env ?? []).filter((variable) => typeof variable.name === 'string' && RUNTIME_VARIABLE.test(variable.name) && typeof variable.value === 'string');
      if (env.some((variable) => variable.name === 'NODE_OPTIONS')) return Object.fromEntries(env.map((variable) => [variable.name, variable.value])) as Record<string, string>;
    }
  }
  return {};
}

/** The service is measured with the runtime settings (heap sizes, allocator) production runs it with. */
export async function productionRuntimeEnv(): Promise<Record<string, string>> {
  const env = runtimeEnvOf(await readFile(join(PROJECT_ROOT, API_DEPLOYMENT), 'utf8'));
  if (env.NODE_OPTIONS === undefined) throw new Error(`${API_DEPLOYMENT} sets no NODE_OPTIONS for the API container`);
  return env;
}
