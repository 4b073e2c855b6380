import { describe, expect, it } from 'vitest';
import { packageOf, summarizeProfile, type CpuProfile } from './profile-summary.ts';

const ROOT = '/work/ordersvc';

function node(id: number, functionName: string, url: string) {
  return { id, callFrame: { functionName, url, lineNumber: 9 } };
}

describe('the package of a frame', () => {
  it('when the frame is in node_modules, then it is the package, scoped ones with their scope', () => {
    expect(packageOf('file:///work/ordersvc/node_modules/kysely/dist/esm/index.js', 'compile', ROOT)).toBe('kysely');
    expect(packageOf('file:///work/ordersvc/node_modules/@grpc/grpc-js/build/src/server.js', 'x', ROOT)).toBe('@grpc/grpc-js');
    expect(packageOf('file:///a/node_modules/express/node_modules/router/index.js', 'next', ROOT)).toBe('router');
  });
  it('when the frame is node core, V8 or native, then it is named so', () => {
    expect(packageOf('node:internal/streams/writable', 'write', ROOT)).toBe('node core');
    expect(packageOf('', '(garbage collector)', ROOT)).toBe('(garbage collector)');
    expect(packageOf('', 'writev', ROOT)).toBe('(native)');
  });
  it('when the frame is in this project, then it is its folder', () => {
    expect(packageOf('file:///work/ordersvc/internal/transport/http/app.ts', 'x', ROOT)).toBe('ordersvc internal/transport/http');
    expect(packageOf('file:///work/ordersvc/internal/adapter/postgres/activity/record.ts', 'x', ROOT)).toBe('ordersvc internal/adapter/postgres');
  });
});

describe('a profile summary', () => {
  const profile: CpuProfile = {
    nodes: [
      node(1, '(root)', ''),
      node(2, '(idle)', ''),
      node(3, 'compile', 'file:///work/ordersvc/node_modules/kysely/dist/a.js'),
      node(4, 'execute', 'file:///work/ordersvc/node_modules/kysely/dist/b.js'),
      node(5, 'writev', ''),
    ],
    samples: [2, 2, 2, 2, 3, 3, 4, 5, 5, 5, 5, 5, 3, 3],
  };

  it('when samples are grouped, then shares are of the busy samples and idle is reported apart', () => {
    const summary = summarizeProfile(profile, ROOT);
    expect(summary.busySamples).toBe(10);
    expect(summary.idleShare).toBeCloseTo(4 / 14);
    expect(summary.packages).toEqual([
      { name: 'kysely', share: 0.5 },
      { name: '(native)', share: 0.5 },
    ]);
    expect(summary.frames[0]).toEqual({ name: 'writev', package: '(native)', share: 0.5 });
    expect(summary.frames[1]).toEqual({ name: 'compile a.js:10', package: 'kysely', share: 0.4 });
  });

  it('when only the top entries are asked for, then the list is cut', () => {
    expect(summarizeProfile(profile, ROOT, 1).packages).toHaveLength(1);
  });

  it('when the profile has no samples array, then hit counts are used', () => {
    const summary = summarizeProfile({ nodes: [{ ...node(3, 'f', 'node:fs'), hitCount: 3 }] }, ROOT);
    expect(summary.packages).toEqual([{ name: 'node core', share: 1 }]);
  });
});
