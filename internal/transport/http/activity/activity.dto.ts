import type { ActivityEvent } from '../../../domain/activity/activity-event.ts';
import type { components } from '../api-schema.d.ts';

export type ActivityEventDto = components['schemas']['ActivityEvent'];
export type ActivityPageDto = components['schemas']['ActivityPage'];

/** Copies only the fields the contract exposes. */
export function toActivityEventDto(event: ActivityEvent): ActivityEventDto {
  return {
    id: String(event.id),
    user_id: event.userId,
    type: event.type,
    occurred_at: event.occurredAt.toISOString(),
    data: { ...event.data },
  };
}

/** One Server-Sent Events frame: `id` is the event id (the resume point), `event` its type, `data` the JSON. */
export function toSseFrame(event: ActivityEvent): string {
  // JSON.stringify never emits a raw line break, so the data fits one `data:` line.
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(toActivityEventDto(event))}\n\n`;
}
