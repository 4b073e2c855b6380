import type { PayloadSchema } from '../../domain/jobs/job-handler.ts';

/** The payload of the jobs about one order: `{ orderId }`, a lower-case UUID. */
export const ORDER_ID_PAYLOAD: PayloadSchema = {
  type: 'object',
  properties: { orderId: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } },
  required: ['orderId'],
  additionalProperties: false,
};
