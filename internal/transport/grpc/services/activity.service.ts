import { ServerError, Status } from 'nice-grpc';
import { AuthenticationRequiredError } from '../../../domain/identity/identity.errors.ts';
import type { StreamActivity } from '../../../app/activity/stream-activity.use-case.ts';
import type { RpcContextExt } from '../call-context.ts';
import type { ActivityServiceImplementation } from '../generated/ordersvc/v1/activity.ts';
import { toActivityEvent } from '../messages.ts';
import { RequestChecks } from '../request-checks.ts';
import type { WatchSlots } from '../watch-slots.ts';

export interface ActivityUseCases {
  readonly streamActivity: StreamActivity;
}

/**
 * WatchUserActivity over the same subscription as the SSE stream. Events are
 * pulled from the subscription only as fast as the client reads (nice-grpc
 * waits for `drain` before asking for the next one), so a slow reader's events
 * pile up in the subscription's bounded buffer (ACTIVITY_BUFFER_EVENTS), which
 * ends it with `overflow`: the call then ends with RESOURCE_EXHAUSTED and the
 * client resumes from the last event it got. A client that takes nothing at
 * all never lets that status out; the stalled-stream guard resets its stream
 * (GRPC_STREAM_STALL_MS), which cancels this loop.
 */
export function activityService(useCases: ActivityUseCases, slots: WatchSlots): ActivityServiceImplementation<RpcContextExt> {
  return {
    async *watchUserActivity(request, { ctx, signal }) {
      const checks = new RequestChecks();
      const userId = checks.id('user_id', request.userId);
      if (request.afterEventId !== '' && !/^\d{1,16}$/.test(request.afterEventId)) checks.fail('after_event_id', 'must be the id of an event (digits)');
      checks.done();
      // Before a slot is taken: anonymous calls must not use up a shared one.
      if (!ctx.principal) throw new AuthenticationRequiredError();
      const release = slots.acquire(ctx);
      try {
        const subscription = await useCases.streamActivity.execute(ctx, { userId, lastEventId: request.afterEventId || undefined });
        const onAbort = () => subscription.close();
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          for (;;) {
            const events = await subscription.next();
            if (!events) break;
            for (const event of events) yield { event: toActivityEvent(event) };
          }
        } finally {
          signal.removeEventListener('abort', onAbort);
          subscription.close();
        }
        const reason = await subscription.ended;
        if (reason === 'overflow') throw new ServerError(Status.RESOURCE_EXHAUSTED, 'the stream fell too far behind; resume from the last event id received');
        if (reason === 'shutdown' || reason === 'failed') throw new ServerError(Status.UNAVAILABLE, 'the stream ended on this instance; resume from the last event id received');
      } finally {
        release();
      }
    },
  };
}
