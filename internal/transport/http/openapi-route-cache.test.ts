import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cacheValidatorRouteMatchers } from './openapi-route-cache.ts';

const validatorPathToRegexp = () => {
  const fromValidator = createRequire(createRequire(import.meta.url).resolve('express-openapi-validator'));
  return (fromValidator('path-to-regexp') as { pathToRegexp: (path: string, options?: object) => { regexp: RegExp; keys: { name: string }[] } }).pathToRegexp;
};

describe('cacheValidatorRouteMatchers', () => {
  it('when installed, then the path-to-regexp the validator calls compiles each route once and still matches as before', () => {
    expect(cacheValidatorRouteMatchers()).toBe(true);
    expect(cacheValidatorRouteMatchers()).toBe(true);
    const pathToRegexp = validatorPathToRegexp();

    const first = pathToRegexp('/v1/users/:id', { sensitive: false, strict: false });
    const again = pathToRegexp('/v1/users/:id', { sensitive: false, strict: false });
    const strict = pathToRegexp('/v1/users/:id', { sensitive: false, strict: true });

    expect(again).toBe(first);
    expect(strict).not.toBe(first);
    expect(first.regexp.exec('/v1/users/abc')?.[1]).toBe('abc');
    expect(first.regexp.exec('/v1/users/abc/activity')).toBeNull();
    expect(first.keys.map((key) => key.name)).toEqual(['id']);
  });
});
