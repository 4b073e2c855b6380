import type { Response } from 'express';
import type { ActivitySubscription, SubscriptionEnd } from '../../../domain/activity/activity-feed.ts';
import type { ContextLogger } from '../../../domain/shared/context.ts';
import { toSseFrame } from './activity.dto.ts';

export interface SseSettings {
  readonly heartbeatMs: number;
  /** What the client should wait before reconnecting (the SSE `retry` field). */
  readonly retryMs: number;
}

/**
 * Writes a subscription to the response as Server-Sent Events until either
 * side ends it. Respects backpressure: once `res.write` returns false nothing
 * more is taken from the subscription until the socket drains, so events pile
 * up only in the subscription's bounded buffer, which cuts the subscriber off
 * when it overflows. A socket that has not drained for two heartbeat intervals
 * is cut off as well (a stalled client holds no slot forever). Heartbeats are
 * comment lines that keep proxies from closing an idle stream.
 */
export async function streamEvents(res: Response, subscription: ActivitySubscription, settings: SseSettings, log: ContextLogger): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  // Proxies such as nginx would otherwise buffer the stream.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  // HEAD: the GET's status and headers, and no stream.
  if (res.req.method === 'HEAD') {
    subscription.close();
    res.end();
    return;
  }
  res.socket?.setNoDelay(true);

  let blocked = false;
  let blockedTicks = 0;
  let onDrain: (() => void) | undefined;
  const write = (chunk: string) => {
    if (!res.writable) return;
    if (!res.write(chunk)) blocked = true;
  };
  res.on('drain', () => {
    blocked = false;
    blockedTicks = 0;
    onDrain?.();
  });
  res.once('close', () => {
    subscription.close();
    onDrain?.();
  });
  const heartbeat = setInterval(() => {
    if (!blocked) return write(': heartbeat\n\n');
    blockedTicks += 1;
    if (blockedTicks >= 2) subscription.close();
  }, settings.heartbeatMs);

  write(`retry: ${settings.retryMs}\n\n`);
  try {
    for (;;) {
      if (blocked) {
        await Promise.race([new Promise<void>((resolve) => (onDrain = resolve)), subscription.ended]);
        onDrain = undefined;
        if (blocked) break;
      }
      const events = await subscription.next();
      if (!events) break;
      write(events.map(toSseFrame).join(''));
    }
  } catch (error) {
    log.warn({ error: error instanceof Error ? error.message : String(error) }, 'activity stream failed; the client may resume');
  } finally {
    clearInterval(heartbeat);
    subscription.close();
  }
  finish(res, await subscription.ended);
}

function finish(res: Response, reason: SubscriptionEnd): void {
  if (res.destroyed) return;
  if (reason === 'overflow' || (reason === 'closed' && res.writableNeedDrain)) {
    // The client does not read: a graceful end would wait on it forever.
    res.destroy();
    return;
  }
  // The connection goes too, so a server that is shutting down has nothing left to wait for.
  res.end(() => res.socket?.end());
}
