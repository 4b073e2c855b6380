import type { JobView, QueueDepth } from '../../../domain/jobs/job.ts';
import type { Notification } from '../../../domain/notification/notification.ts';
import type { components } from '../api-schema.d.ts';

export type JobDto = components['schemas']['Job'];
export type JobPageDto = components['schemas']['JobPage'];
export type QueueDepthsDto = components['schemas']['QueueDepths'];
export type NotificationDto = components['schemas']['Notification'];
export type NotificationPageDto = components['schemas']['NotificationPage'];

export function toJobDto(job: JobView): JobDto {
  return {
    id: job.id,
    queue: job.queue,
    state: job.state,
    priority: job.priority,
    payload: job.payload,
    dedupe_key: job.dedupeKey ?? null,
    attempts: job.attempts,
    retry_limit: job.retryLimit,
    last_error: job.lastError ?? null,
    created_at: job.createdAt.toISOString(),
    start_after: job.startAfter.toISOString(),
    started_at: job.startedAt?.toISOString() ?? null,
    completed_at: job.completedAt?.toISOString() ?? null,
    original_id: job.originalId ?? null,
  };
}

export function toQueueDepthsDto(depths: readonly QueueDepth[]): QueueDepthsDto {
  return { queues: depths.map((depth) => ({ queue: depth.queue, counts: { ...depth.counts } })) };
}

export function toNotificationDto(notification: Notification): NotificationDto {
  return {
    id: notification.id,
    recipient_user_id: notification.recipientUserId,
    topic: notification.topic,
    subject: notification.subject,
    body: notification.body,
    order_id: notification.orderId ?? null,
    created_at: notification.createdAt.toISOString(),
  };
}
