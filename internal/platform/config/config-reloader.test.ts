import { describe, expect, it } from 'vitest';
import { ConfigReloader, type LiveSetting } from './config-reloader.ts';
import { ConfigError, loadConfig } from './load-config.ts';

const start = loadConfig({}).config;

function reloaderOver(env: () => NodeJS.ProcessEnv, live: LiveSetting[]) {
  return new ConfigReloader({ initial: start, load: () => loadConfig(env()).config, live, source: 'test' });
}

describe('ConfigReloader', () => {
  it('when live settings change, then they apply and the rest keeps its running value, reported as needing a restart', () => {
    const pushed: string[] = [];
    const reloader = reloaderOver(() => ({ LOG_LEVEL: 'debug', PORT: '9090' }), [{ path: 'log.level', apply: (next) => pushed.push(next.log.level) }]);

    const result = reloader.reload('manual');

    expect(result).toMatchObject({ outcome: 'applied', applied: ['LOG_LEVEL'], restartRequired: ['PORT'] });
    expect(reloader.current.log.level).toBe('debug');
    expect(reloader.current.http.port).toBe(start.http.port);
    expect(pushed).toEqual(['debug']);
    expect(reloader.status().restartRequired).toEqual(['PORT']);
  });

  it('when a value is invalid, then nothing changes and the reason is kept', () => {
    const reloader = reloaderOver(() => ({ LOG_LEVEL: 'debug', RATE_LIMIT_API_PER_WINDOW: '0' }), [{ path: 'log.level' }, { path: 'rateLimit.apiPerWindow' }]);

    const result = reloader.reload('signal');

    expect(result.outcome).toBe('rejected');
    expect(result.error).toContain('RATE_LIMIT_API_PER_WINDOW');
    expect(reloader.current).toBe(start);
    expect(reloader.status()).toMatchObject({ reloads: { applied: 0, unchanged: 0, rejected: 1 }, lastRejected: { trigger: 'signal' } });
  });

  it("when one live setting's own check fails, then none of the others apply either", () => {
    const pushed: string[] = [];
    const reloader = reloaderOver(
      () => ({ LOG_LEVEL: 'debug', FLAGS_DEFAULTS: '{"no.such.flag":{"enabled":true}}' }),
      [
        { path: 'log.level', apply: (next) => pushed.push(next.log.level) },
        {
          path: 'flags.defaults',
          check: () => {
            throw new ConfigError('FLAGS_DEFAULTS: there is no flag no.such.flag');
          },
        },
      ],
    );

    const result = reloader.reload('file');

    expect(result).toMatchObject({ outcome: 'rejected', error: 'FLAGS_DEFAULTS: there is no flag no.such.flag' });
    expect(pushed).toEqual([]);
    expect(reloader.current.log.level).toBe(start.log.level);
  });

  it('when nothing changed, then the reload says so and pushes nothing', () => {
    const pushed: string[] = [];
    const reloader = reloaderOver(() => ({}), [{ path: 'log.level', apply: (next) => pushed.push(next.log.level) }]);

    expect(reloader.reload('signal')).toMatchObject({ outcome: 'unchanged', applied: [], restartRequired: [] });
    expect(pushed).toEqual([]);
  });

  it('when a restart-only setting goes back to its running value, then it is no longer reported', () => {
    let env: NodeJS.ProcessEnv = { PORT: '9090' };
    const reloader = reloaderOver(() => env, []);
    reloader.reload('file');
    env = {};

    reloader.reload('file');

    expect(reloader.status().restartRequired).toEqual([]);
  });
});
