import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { PayloadSchema } from '../../domain/jobs/job-handler.ts';
import type { FieldIssue } from '../../domain/shared/domain-error.ts';

/** Checks job payloads against the schema of their type (compiled once per type). */
export class PayloadValidator {
  readonly #ajv = new Ajv2020({ allErrors: true, strict: true });
  readonly #byType = new Map<string, ValidateFunction>();

  register(type: string, schema: PayloadSchema): void {
    this.#byType.set(type, this.#ajv.compile(schema));
  }

  has(type: string): boolean {
    return this.#byType.has(type);
  }

  /** The problems of `payload`, empty when it is valid. */
  issues(type: string, payload: unknown): FieldIssue[] {
    const validate = this.#byType.get(type);
    if (!validate) return [{ field: 'payload', message: `no schema for job type ${type}` }];
    if (validate(payload)) return [];
    return (validate.errors ?? []).map((error) => ({ field: fieldOf(error.instancePath), message: error.message ?? 'is not valid' }));
  }
}

// Ajv's `/lines/0/sku` as the domain names fields: `payload.lines[0].sku`.
function fieldOf(instancePath: string): string {
  return `payload${instancePath.replace(/\/(\d+)(?=\/|$)/g, '[$1]').replaceAll('/', '.')}`;
}
