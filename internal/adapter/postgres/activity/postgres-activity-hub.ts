import type { ActivityEvent } from '../../../domain/activity/activity-event.ts';
import type { ActivityFeed, ActivitySubscription, SubscriptionEnd } from '../../../domain/activity/activity-feed.ts';
import type { ActivityLog } from '../../../domain/activity/activity-log.ts';
import { ActivityFeedClosedError, ActivityStreamsExhaustedError, ActivityStreamsPerUserExceededError } from '../../../domain/activity/activity.errors.ts';
import type { Context, ContextLogger } from '../../../domain/shared/context.ts';
import { ActivitySubscriber } from './activity-subscriber.ts';
import { parseActivityNotification } from './record-activity.ts';

export interface ActivityHubOptions {
  readonly maxSubscribers: number;
  /** Most subscriptions one caller may hold at once (a caller is the signed-in user, else the watched one). */
  readonly maxPerCaller: number;
  /** Events one live subscriber may have waiting; one more cuts it off. */
  readonly bufferEvents: number;
  /** Rows per database read. */
  readonly pageSize: number;
  /** Users whose new events are read at the same time (each read takes a pooled connection). */
  readonly readConcurrency: number;
  readonly readTimeoutMs: number;
  /** Wait before reading again for a user after a failed read. */
  readonly retryDelayMs: number;
  readonly log: ContextLogger;
}

export interface ActivityHubStats {
  readonly subscribers: number;
  readonly users: number;
  /** Events waiting in the subscribers' buffers, all together. */
  readonly bufferedEvents: number;
}

/**
 * Fans activity out to this process's subscribers. The database is the source
 * of truth and notifications are only wake-ups: a notification for a user
 * with subscribers makes the hub read that user's events after the lowest
 * id its live subscribers have seen, once for all of them, and push to each
 * what it has not seen. Whatever notifications get lost (the listening
 * connection dropped), `resync` reads again for every user.
 */
export class PostgresActivityHub implements ActivityFeed {
  readonly #log: ActivityLog;
  readonly #options: ActivityHubOptions;
  readonly #groups = new Map<string, Set<ActivitySubscriber>>();
  /** Users to read for; bounded by the number of users with subscribers. */
  readonly #pending = new Set<string>();
  readonly #reading = new Set<string>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #subscribers = 0;
  /** Subscriptions held per caller; a caller without any has no entry. */
  readonly #perCaller = new Map<string, number>();
  readonly #callerOf = new Map<ActivitySubscriber, string>();
  #closed = false;

  constructor(log: ActivityLog, options: ActivityHubOptions) {
    this.#log = log;
    this.#options = options;
  }

  async subscribe(ctx: Context, userId: string, afterId: number | undefined): Promise<ActivitySubscription> {
    if (this.#closed) throw new ActivityFeedClosedError();
    const caller = ctx.principal?.userId ?? userId;
    // The caller's own share first: one account holding many streams is told so, and cannot fill the instance.
    const held = this.#perCaller.get(caller) ?? 0;
    if (held >= this.#options.maxPerCaller) throw new ActivityStreamsPerUserExceededError(this.#options.maxPerCaller);
    if (this.#subscribers >= this.#options.maxSubscribers) throw new ActivityStreamsExhaustedError(this.#options.maxSubscribers);
    // Counted before the first await, so concurrent calls cannot pass the caps together.
    this.#take(caller);
    let start: number;
    try {
      start = afterId ?? (await this.#log.latestId(ctx, userId));
    } catch (error) {
      this.#give(caller);
      throw error;
    }
    if (this.#closed) {
      this.#give(caller);
      throw new ActivityFeedClosedError();
    }
    const subscriber = new ActivitySubscriber(userId, start, this.#options.bufferEvents, {
      readAfter: (after) => this.#log.readAfter(this.#ctx(), userId, after, this.#options.pageSize),
      pageSize: this.#options.pageSize,
      onLive: () => this.#requestRead(userId),
      onEnd: (ended, reason) => this.#remove(ended, reason),
    });
    let group = this.#groups.get(userId);
    if (!group) {
      group = new Set();
      this.#groups.set(userId, group);
    }
    group.add(subscriber);
    this.#callerOf.set(subscriber, caller);
    return subscriber;
  }

  #take(caller: string): void {
    this.#subscribers += 1;
    this.#perCaller.set(caller, (this.#perCaller.get(caller) ?? 0) + 1);
  }

  #give(caller: string): void {
    this.#subscribers -= 1;
    const left = (this.#perCaller.get(caller) ?? 1) - 1;
    if (left > 0) this.#perCaller.set(caller, left);
    else this.#perCaller.delete(caller);
  }

  /** A raw NOTIFY payload from the listener. */
  notify(payload: string | undefined): void {
    const notification = parseActivityNotification(payload);
    if (!notification) return;
    const group = this.#groups.get(notification.userId);
    if (!group) return;
    // Subscribers still catching up read for themselves; live ones may have read it already.
    const behind = [...group].some((subscriber) => subscriber.live && subscriber.lastId < notification.id);
    if (behind) this.#requestRead(notification.userId);
  }

  /** Reads again for every user with subscribers (after notifications may have been lost). */
  resync(): void {
    for (const userId of this.#groups.keys()) this.#requestRead(userId);
  }

  stats(): ActivityHubStats {
    let bufferedEvents = 0;
    for (const group of this.#groups.values()) for (const subscriber of group) bufferedEvents += subscriber.buffered;
    return { subscribers: this.#subscribers, users: this.#groups.size, bufferedEvents };
  }

  /** Ends every subscription (`shutdown`) and takes no more. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    this.#pending.clear();
    for (const group of [...this.#groups.values()]) for (const subscriber of [...group]) subscriber.end('shutdown');
  }

  #remove(subscriber: ActivitySubscriber, reason: SubscriptionEnd): void {
    const group = this.#groups.get(subscriber.userId);
    if (!group?.delete(subscriber)) return;
    this.#give(this.#callerOf.get(subscriber) ?? subscriber.userId);
    this.#callerOf.delete(subscriber);
    if (group.size === 0) {
      this.#groups.delete(subscriber.userId);
      this.#pending.delete(subscriber.userId);
    }
    if (reason === 'overflow') this.#options.log.warn({ user_id: subscriber.userId, buffer_events: this.#options.bufferEvents }, 'activity subscriber fell behind and was cut off');
  }

  #requestRead(userId: string): void {
    if (this.#closed || !this.#groups.has(userId)) return;
    this.#pending.add(userId);
    this.#pump();
  }

  // At most `readConcurrency` reads at once, and one at a time per user.
  #pump(): void {
    for (const userId of this.#pending) {
      if (this.#reading.size >= this.#options.readConcurrency) return;
      if (this.#reading.has(userId)) continue;
      this.#pending.delete(userId);
      this.#reading.add(userId);
      void this.#readFor(userId).finally(() => {
        this.#reading.delete(userId);
        this.#pump();
      });
    }
  }

  async #readFor(userId: string): Promise<void> {
    try {
      for (;;) {
        const live = [...(this.#groups.get(userId) ?? [])].filter((subscriber) => subscriber.live);
        if (live.length === 0 || this.#closed) return;
        const from = Math.min(...live.map((subscriber) => subscriber.lastId));
        const page: ActivityEvent[] = await this.#log.readAfter(this.#ctx(), userId, from, this.#options.pageSize);
        for (const subscriber of live) subscriber.push(page);
        if (page.length < this.#options.pageSize) return;
      }
    } catch (error) {
      this.#options.log.warn({ user_id: userId, error: error instanceof Error ? error.message : String(error) }, 'reading new activity failed; retrying');
      const timer = setTimeout(() => {
        this.#retryTimers.delete(timer);
        this.#requestRead(userId);
      }, this.#options.retryDelayMs);
      this.#retryTimers.add(timer);
    }
  }

  #ctx(): Context {
    return { traceId: 'activity-hub', signal: AbortSignal.timeout(this.#options.readTimeoutMs), log: this.#options.log };
  }
}
