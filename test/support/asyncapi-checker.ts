import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

const SPEC_PATH = fileURLToPath(new URL('../../api/asyncapi.yaml', import.meta.url));

interface AsyncApiSpec {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  components: { messages: Record<string, { payload: { $ref: string } }>; schemas: Record<string, object> };
}

/** Checks published envelopes against the payload schema of their channel in `api/asyncapi.yaml`. */
export class AsyncApiChecker {
  readonly #byAddress = new Map<string, ValidateFunction>();

  constructor() {
    const spec = parseYaml(readFileSync(SPEC_PATH, 'utf8')) as AsyncApiSpec;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'asyncapi.json', components: spec.components });
    for (const channel of Object.values(spec.channels)) {
      const messageRef = Object.values(channel.messages)[0]?.$ref.split('/').pop();
      const payloadRef = messageRef && spec.components.messages[messageRef]?.payload.$ref;
      if (!payloadRef) continue;
      const validate = ajv.getSchema(`asyncapi.json${payloadRef}`);
      if (validate) this.#byAddress.set(channel.address, validate);
    }
  }

  /** The NATS subjects the contract describes (without the dead-letter template). */
  get subjects(): string[] {
    return [...this.#byAddress.keys()].filter((address) => !address.includes('{'));
  }

  /** Throws with the schema errors when `envelope` is not what `subject` promises. */
  check(subject: string, envelope: unknown): void {
    const validate = this.#byAddress.get(subject);
    if (!validate) throw new Error(`no channel ${subject} in api/asyncapi.yaml`);
    if (!validate(envelope)) throw new Error(`${subject}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(envelope)}`);
  }
}
