import { randomUUID } from 'node:crypto';
import { NOOP_PROVIDER, OpenFeature, type Client, type EvaluationContext } from '@openfeature/server-sdk';
import type { FeatureFlags } from '../../domain/flags/feature-flags.ts';
import type { RolloutVariant } from '../../domain/flags/flag.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { FlagSnapshot } from './flag-snapshot.ts';
import { SnapshotFlagProvider } from './snapshot-flag-provider.ts';

const VARIANTS = new Set<string>(['off', 'cohort', 'rest']);

/**
 * The FeatureFlags port through the OpenFeature API. OpenFeature keeps its
 * providers in a process-wide registry: each service instance binds its
 * provider under a domain of its own, so instances in one process (tests)
 * never read each other's flags.
 */
export class OpenFeatureFeatureFlags implements FeatureFlags {
  readonly #client: Client;
  readonly #domain: string;

  private constructor(client: Client, domain: string) {
    this.#client = client;
    this.#domain = domain;
  }

  static async open(snapshot: FlagSnapshot): Promise<OpenFeatureFeatureFlags> {
    const domain = `ordersvc-${randomUUID()}`;
    await OpenFeature.setProviderAndWait(domain, new SnapshotFlagProvider(snapshot));
    return new OpenFeatureFeatureFlags(OpenFeature.getClient(domain), domain);
  }

  async isEnabled(_ctx: Context, key: string, subject?: string): Promise<boolean> {
    return this.#client.getBooleanValue(key, false, evaluationContext(subject));
  }

  async variantOf(_ctx: Context, key: string, subject?: string): Promise<RolloutVariant> {
    const value = await this.#client.getStringValue(key, 'off', evaluationContext(subject));
    return VARIANTS.has(value) ? (value as RolloutVariant) : 'off';
  }

  /** Unbinds this instance's provider. */
  async close(): Promise<void> {
    await OpenFeature.setProviderAndWait(this.#domain, NOOP_PROVIDER);
  }
}

function evaluationContext(subject: string | undefined): EvaluationContext {
  return subject === undefined ? {} : { targetingKey: subject };
}
