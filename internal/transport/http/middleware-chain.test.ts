import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { chain } from './middleware-chain.ts';

function run(handler: RequestHandler, path = '/v1/products/1'): Promise<{ seen: string[]; error: unknown }> {
  const seen: string[] = [];
  const req = { path, seen } as unknown as Request;
  return new Promise((resolve) => {
    const done: NextFunction = (error?: unknown) => resolve({ seen, error });
    void handler(req, {} as Response, done);
  });
}

function step(name: string): RequestHandler {
  return (req, _res, next) => {
    (req as unknown as { seen: string[] }).seen.push(name);
    next();
  };
}

describe('a middleware chain', () => {
  it('when every step calls next, then they run in order and the chain continues', async () => {
    const result = await run(chain([{ handler: step('a') }, { handler: [step('b'), step('c')] }]));
    expect(result).toEqual({ seen: ['a', 'b', 'c'], error: undefined });
  });

  it('when a step is under a prefix, then it runs only for paths under it, at a segment boundary, ignoring case', async () => {
    const handler = chain([{ handler: step('api'), under: ['/v1'] }, { handler: step('login'), under: ['/v1/auth/login'] }]);
    expect((await run(handler, '/V1/products')).seen).toEqual(['api']);
    expect((await run(handler, '/v1')).seen).toEqual(['api']);
    expect((await run(handler, '/v10/x')).seen).toEqual([]);
    expect((await run(handler, '/v1/auth/login')).seen).toEqual(['api', 'login']);
  });

  it('when a step passes an error, throws or rejects, then the rest is skipped and the error goes on', async () => {
    const failure = new Error('no');
    const passes: RequestHandler = (_req, _res, next) => next(failure);
    const throws: RequestHandler = () => {
      throw failure;
    };
    const rejects: RequestHandler = () => Promise.reject(failure);
    for (const bad of [passes, throws, rejects]) {
      expect(await run(chain([{ handler: bad }, { handler: step('after') }]))).toEqual({ seen: [], error: failure });
    }
  });

  it('when a step answers without calling next, then the chain stops there', async () => {
    const answers: RequestHandler = (req, _res, next) => {
      (req as unknown as { seen: string[] }).seen.push('answered');
      void next;
    };
    const seen: string[] = [];
    const req = { path: '/', seen } as unknown as Request;
    let continued = false;
    chain([{ handler: answers }, { handler: step('after') }])(req, {} as Response, () => (continued = true));
    await Promise.resolve();
    expect(seen).toEqual(['answered']);
    expect(continued).toBe(false);
  });
});
