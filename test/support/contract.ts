import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import type { Middleware } from 'openapi-fetch';
import { API_SPEC_PATH } from '../../cmd/shared/project-paths.ts';

interface MediaType {
  schema?: object;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
  headers?: Record<string, { required?: boolean; $ref?: string }>;
  $ref?: string;
}
interface Operation {
  responses: Record<string, ResponseObject>;
}
type PathItem = Record<string, Operation>;
interface Spec {
  paths: Record<string, PathItem>;
  components: { responses?: Record<string, ResponseObject> };
}

/** Checks real responses against `api/openapi.yaml`: status, media type, body schema. */
export class ContractChecker {
  readonly #spec: Spec;
  readonly #ajv: Ajv2020;
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(specPath = API_SPEC_PATH) {
    const spec = parseYaml(readFileSync(specPath, 'utf8')) as Spec & object;
    this.#spec = spec;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(this.#ajv);
    this.#ajv.addSchema({ ...spec, $id: 'openapi.json' });
  }

  /** Throws with a readable reason when the response breaks the contract. */
  async check(pathTemplate: string, method: string, response: Response): Promise<void> {
    const operation = this.#spec.paths[pathTemplate]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${pathTemplate} is not in the contract`);
    const where = `${method} ${pathTemplate} → ${response.status}`;
    const documented = this.#resolve(operation.responses[String(response.status)] ?? operation.responses.default);
    if (!documented) throw new Error(`${where}: status not documented`);

    const mediaTypes = Object.keys(documented.content ?? {});
    const contentType = response.headers.get('content-type')?.split(';')[0]?.trim();
    if (mediaTypes.length === 0) {
      const body = await response.clone().text();
      if (body.length > 0) throw new Error(`${where}: the contract documents no body, got ${body.slice(0, 200)}`);
      return;
    }
    if (!contentType || !mediaTypes.includes(contentType)) {
      throw new Error(`${where}: content type ${contentType ?? '(none)'} not in ${mediaTypes.join(', ')}`);
    }
    // A stream does not end: its media type is what can be checked here.
    if (contentType === 'text/event-stream') return;
    const pointer = this.#schemaPointer(pathTemplate, method, response.status, operation, contentType);
    const validate = this.#validatorFor(pointer);
    // JSON media types are parsed; text ones (the metrics' text/plain) are checked as the string they are.
    const body: unknown = contentType.endsWith('json') ? await response.clone().json() : await response.clone().text();
    if (!validate(body)) {
      throw new Error(`${where}: body breaks the contract: ${this.#ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
    }
  }

  /** An openapi-fetch middleware that checks every response it sees. */
  middleware(): Middleware {
    return {
      onResponse: async ({ response, schemaPath, request }) => {
        await this.check(schemaPath, request.method, response);
        return undefined;
      },
    };
  }

  #resolve(response: ResponseObject | undefined): ResponseObject | undefined {
    if (!response?.$ref) return response;
    const name = response.$ref.split('/').pop() ?? '';
    return this.#spec.components.responses?.[name];
  }

  #schemaPointer(path: string, method: string, status: number, operation: Operation, contentType: string): string {
    const escape = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');
    const raw = operation.responses[String(status)] ?? operation.responses.default;
    if (raw?.$ref) {
      const name = raw.$ref.split('/').pop() ?? '';
      return `openapi.json#/components/responses/${escape(name)}/content/${escape(contentType)}/schema`;
    }
    const code = operation.responses[String(status)] ? String(status) : 'default';
    return `openapi.json#/paths/${escape(path)}/${method.toLowerCase()}/responses/${code}/content/${escape(contentType)}/schema`;
  }

  #validatorFor(pointer: string): ValidateFunction {
    let validate = this.#validators.get(pointer);
    if (!validate) {
      validate = this.#ajv.getSchema(pointer);
      if (!validate) throw new Error(`no schema at ${pointer}`);
      this.#validators.set(pointer, validate);
    }
    return validate;
  }
}
