import type { FlagSetting } from './flag.ts';

/** Refuses new orders while on (503 with Retry-After); reads and existing orders go on. */
export const ORDERS_PAUSED = 'orders.placement.paused';
/** Reads skip the caches and go straight to PostgreSQL while on. */
export const CACHE_BYPASS = 'cache.bypass';
/** The canary release: off sends everyone to stable; its rollout percent is the canary cohort of users. */
export const RELEASE_CANARY = 'release.canary';

/** While on, workers stop fetching jobs of `queue` (they wait in the queue). */
export function jobsPausedFlag(queue: string): string {
  return `jobs.${queue}.paused`;
}

/** A flag the service knows: its key, what it does, and the default when config says nothing. */
export interface FlagDefinition {
  readonly key: string;
  readonly description: string;
  readonly default: FlagSetting;
}

const OFF: FlagSetting = { enabled: false, rolloutPercent: undefined };

/** Every flag the service reads; only these can be set. */
export function flagCatalog(queues: readonly string[]): FlagDefinition[] {
  return [
    { key: ORDERS_PAUSED, description: 'Kill switch: while on, POST /v1/orders answers 503 and stores nothing; reads and existing orders are unaffected.', default: OFF },
    { key: CACHE_BYPASS, description: 'Kill switch: while on, reads of users and products skip the caches and go to PostgreSQL.', default: OFF },
    {
      key: RELEASE_CANARY,
      description: 'Gray release: off sends everyone to the stable variant; on, callers allowed to may choose the canary by header and rollout_percent of users are in the canary cohort.',
      default: { enabled: true, rolloutPercent: 0 },
    },
    ...queues.map((queue) => ({ key: jobsPausedFlag(queue), description: `Kill switch: while on, workers stop fetching jobs of the ${queue} queue; they wait until it is off.`, default: OFF })),
  ];
}
