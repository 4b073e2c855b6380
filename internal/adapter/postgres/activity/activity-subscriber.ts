import type { ActivityEvent } from '../../../domain/activity/activity-event.ts';
import type { ActivitySubscription, SubscriptionEnd } from '../../../domain/activity/activity-feed.ts';

export interface SubscriberHooks {
  /** Reads the recorded events after `afterId` (oldest first, at most one page). */
  readonly readAfter: (afterId: number) => Promise<ActivityEvent[]>;
  readonly pageSize: number;
  /** The subscriber has caught up and takes live events from now on. */
  readonly onLive: (subscriber: ActivitySubscriber) => void;
  readonly onEnd: (subscriber: ActivitySubscriber, reason: SubscriptionEnd) => void;
}

/**
 * One subscriber of the hub. It first catches up from the database a page at
 * a time, and only when its reader asks (so a long backlog is paced by the
 * reader, not buffered); then it is live, and the hub pushes events into a
 * buffer bounded by `bound`. A reader that lets the buffer fill up is cut off.
 */
export class ActivitySubscriber implements ActivitySubscription {
  readonly userId: string;
  readonly ended: Promise<SubscriptionEnd>;
  /** The highest id handed out or buffered: everything up to it is accounted for. */
  lastId: number;
  #live = false;
  #queue: ActivityEvent[] = [];
  readonly #bound: number;
  readonly #hooks: SubscriberHooks;
  #endedWith: SubscriptionEnd | undefined;
  #resolveEnded!: (reason: SubscriptionEnd) => void;
  #wake: (() => void) | undefined;

  constructor(userId: string, afterId: number, bound: number, hooks: SubscriberHooks) {
    this.userId = userId;
    this.lastId = afterId;
    this.#bound = bound;
    this.#hooks = hooks;
    this.ended = new Promise((resolve) => (this.#resolveEnded = resolve));
  }

  get live(): boolean {
    return this.#live && this.#endedWith === undefined;
  }

  get buffered(): number {
    return this.#queue.length;
  }

  async next(): Promise<readonly ActivityEvent[] | undefined> {
    for (;;) {
      if (this.#endedWith !== undefined) return undefined;
      if (this.#queue.length > 0) return this.#queue.splice(0);
      if (!this.#live) {
        const caughtUp = await this.#catchUp();
        if (caughtUp.length > 0) return caughtUp;
        continue;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Buffers the events it has not seen yet; ends the subscription when the buffer would overflow. */
  push(events: readonly ActivityEvent[]): void {
    if (!this.live) return;
    for (const event of events) {
      if (event.id <= this.lastId) continue;
      if (this.#queue.length >= this.#bound) {
        this.end('overflow');
        return;
      }
      this.#queue.push(event);
      this.lastId = event.id;
    }
    this.#wakeReader();
  }

  close(): void {
    this.end('closed');
  }

  end(reason: SubscriptionEnd): void {
    if (this.#endedWith !== undefined) return;
    this.#endedWith = reason;
    this.#queue = [];
    this.#hooks.onEnd(this, reason);
    this.#resolveEnded(reason);
    this.#wakeReader();
  }

  async #catchUp(): Promise<ActivityEvent[]> {
    let page: ActivityEvent[];
    try {
      page = await this.#hooks.readAfter(this.lastId);
    } catch (error) {
      this.end('failed');
      throw error;
    }
    if (this.#endedWith !== undefined) return [];
    const fresh = page.filter((event) => event.id > this.lastId);
    const last = fresh.at(-1);
    if (last) this.lastId = last.id;
    if (page.length < this.#hooks.pageSize) {
      // Live from here; the hub reads once more after this point, so an event
      // whose notification came while this page was read is not missed.
      this.#live = true;
      this.#hooks.onLive(this);
    }
    return fresh;
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
