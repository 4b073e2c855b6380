import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../internal/platform/config/load-config.ts';
import { chooseAdapters } from './adapter-choices.ts';

describe('adapter choices', () => {
  it('when nothing is set, then every port gets the adapter that needs nothing else running', () => {
    expect(chooseAdapters(loadConfig({}).config)).toEqual({
      database: 'embedded postgres',
      sessions: 'postgres',
      entityCache: 'in-process',
      rateLimits: 'in-process',
      signInThrottle: 'postgres',
      events: 'in-process bus',
      paymentGateway: 'embedded sandbox',
    });
  });

  it('when PostgreSQL, Redis, NATS and a gateway are configured, then each port uses them', () => {
    const { config } = loadConfig({
      DATABASE_URL: 'postgres://db.example:5432/orders',
      REDIS_URL: 'redis://cache.example:6379',
      NATS_URL: 'nats://bus.example:4222',
      PAYMENT_GATEWAY_URL: 'https://pay.example',
    });

    expect(chooseAdapters(config)).toEqual({
      database: 'postgres',
      sessions: 'postgres cached in redis',
      entityCache: 'in-process in front of redis',
      rateLimits: 'redis, api hits batched',
      signInThrottle: 'redis, postgres while it fails',
      events: 'nats jetstream',
      paymentGateway: 'http gateway',
    });
  });

  it('when Redis is configured with RATE_LIMIT_SYNC_INTERVAL_MS=0, then every API hit goes to Redis at once', () => {
    const { config } = loadConfig({ REDIS_URL: 'redis://cache.example:6379', RATE_LIMIT_SYNC_INTERVAL_MS: '0' });

    expect(chooseAdapters(config).rateLimits).toBe('redis');
  });
});
