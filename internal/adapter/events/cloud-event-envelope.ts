import { CloudEvent } from 'cloudevents';
import { cloudEventTypeOf, subjectOf, type IntegrationEvent } from '../../domain/events/integration-event.ts';
import type { EventMessage } from '../../domain/events/event-publisher.ts';

/** The CloudEvents `source` of everything ordersvc publishes. */
export const EVENT_SOURCE = '/ordersvc';

/**
 * The one place an envelope is built: a CloudEvents 1.0 structured JSON
 * event (the library checks the attributes), `subject` = the aggregate id.
 */
export function toEventMessage(event: IntegrationEvent, id: string, time: Date): EventMessage {
  const envelope = new CloudEvent(
    {
      specversion: '1.0',
      id,
      source: EVENT_SOURCE,
      type: cloudEventTypeOf(event.type),
      subject: event.aggregateId,
      time: time.toISOString(),
      datacontenttype: 'application/json',
      data: event.data,
    },
    true,
  ).toJSON();
  return { id, subject: subjectOf(event.type), aggregateId: event.aggregateId, envelope };
}
