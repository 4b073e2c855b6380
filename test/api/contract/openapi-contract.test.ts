import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { API_SPEC_PATH, PROJECT_ROOT } from '../../../cmd/shared/project-paths.ts';

interface Media {
  schema?: object;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}
interface Response {
  $ref?: string;
  content?: Record<string, Media>;
  headers?: Record<string, unknown>;
}
interface Operation {
  operationId: string;
  parameters?: { $ref?: string; description?: string; name?: string }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, Response>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, Response>; parameters: Record<string, { description?: string }>; schemas: { Problem: { properties: { code: { enum: string[] } } } } };
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const spec = parseYaml(await readFile(API_SPEC_PATH, 'utf8')) as Spec;
const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
  METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method] as Operation })),
);
const resolve = (response: Response): Response => (response.$ref ? (spec.components.responses[response.$ref.split('/').pop() ?? ''] ?? {}) : response);
const hasExample = (media: Media) => media.example !== undefined || Object.keys(media.examples ?? {}).length > 0;

/** Every problem `code` the HTTP API can send, read from the source: domain errors and transport problems. */
async function codesInSource(): Promise<string[]> {
  const root = join(PROJECT_ROOT, 'internal');
  const files = (await readdir(root, { recursive: true }))
    .map((file) => join(root, file))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts') && !file.endsWith('.contract.ts'))
    // The diagnostics listener and the sandbox gateway are not this API.
    .filter((file) => !/internal\/(transport\/diagnostics|sandbox)\//.test(relative(PROJECT_ROOT, file)));
  const codes = new Set<string>();
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(/(?:readonly code = |code: |code: [^=)\n]*\| |Error\()'([A-Z][A-Z0-9_]+)'/g)) codes.add(match[1] ?? '');
  }
  return [...codes].sort();
}

describe('the contract in api/openapi.yaml', () => {
  it.each(operations)('$method $path has an example on its request and its success responses', ({ operation }) => {
    const missing: string[] = [];
    for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) if (!hasExample(media)) missing.push(`request ${type}`);
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!status.startsWith('2')) continue;
      for (const [type, media] of Object.entries(resolve(response).content ?? {})) if (!hasExample(media)) missing.push(`${status} ${type}`);
    }

    expect(missing).toEqual([]);
  });

  it('when an example is checked against its schema, then every one is valid', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ ...spec, $id: 'openapi.json' });
    const escape = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');
    const failures: string[] = [];
    const check = (pointer: string, media: Media, where: string) => {
      const validate = ajv.getSchema(`openapi.json#${pointer}/schema`);
      const examples = media.example !== undefined ? [media.example] : Object.values(media.examples ?? {}).map((example) => example.value);
      for (const example of examples) if (validate && !validate(example)) failures.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    };
    for (const { path, method, operation } of operations) {
      const base = `/paths/${escape(path)}/${method}`;
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) check(`${base}/requestBody/content/${escape(type)}`, media, `${method} ${path} request`);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (response.$ref) continue;
        for (const [type, media] of Object.entries(response.content ?? {})) if (type.endsWith('json')) check(`${base}/responses/${status}/content/${escape(type)}`, media, `${method} ${path} ${status}`);
      }
    }
    for (const [name, response] of Object.entries(spec.components.responses)) {
      for (const [type, media] of Object.entries(response.content ?? {})) check(`/components/responses/${name}/content/${escape(type)}`, media, name);
    }

    expect(failures).toEqual([]);
  });

  it('when a parameter is read, then it says what it is for', () => {
    const undescribed = operations.flatMap(({ path, method, operation }) =>
      [...(spec.paths[path]?.parameters as Operation['parameters'] ?? []), ...(operation.parameters ?? [])]
        .map((parameter) => (parameter.$ref ? { name: parameter.$ref, ...spec.components.parameters[parameter.$ref.split('/').pop() ?? ''] } : parameter))
        .filter((parameter) => !parameter.description)
        .map((parameter) => `${method} ${path} ${parameter.name}`),
    );

    expect(undescribed).toEqual([]);
  });

  it('when the service can send a problem code, then the Problem schema lists it, and lists nothing else', async () => {
    expect([...spec.components.schemas.Problem.properties.code.enum].sort()).toEqual(await codesInSource());
  });

  it.each(operations.filter(({ path }) => path.startsWith('/v1/')))('$method $path documents the rate-limit and release headers on every response', ({ operation }) => {
    const missing = Object.entries(operation.responses).flatMap(([status, response]) =>
      ['RateLimit', 'RateLimit-Policy', 'X-Release-Channel'].filter((header) => !resolve(response).headers?.[header]).map((header) => `${status} ${header}`),
    );

    expect(missing).toEqual([]);
  });
});
