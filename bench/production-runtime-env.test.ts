import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../cmd/shared/project-paths.ts';
import { API_DEPLOYMENT, runtimeEnvOf } from './production-runtime-env.ts';

describe('the runtime settings the bench runs the service with', () => {
  it('when the API Deployment sets NODE_OPTIONS, then they are read from its container', () => {
    expect(runtimeEnvOf(readFileSync(join(PROJECT_ROOT, API_DEPLOYMENT), 'utf8')).NODE_OPTIONS).toMatch(/--max-old-space-size=\d+/);
  });

  it('when a container sets NODE_OPTIONS and allocator variables, then those are taken and nothing else', () => {
    const manifest = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: api',
      '          env:',
      '            - { name: NODE_OPTIONS, value: --max-old-space-size=96 }',
      '            - { name: MALLOC_ARENA_MAX, value: "2" }',
      '            - { name: LOG_LEVEL, value: info }',
      '',
    ].join('\n');
    expect(runtimeEnvOf(manifest)).toEqual({ NODE_OPTIONS: '--max-old-space-size=96', MALLOC_ARENA_MAX: '2' });
  });

  it('when no container sets NODE_OPTIONS, then there are none', () => {
    expect(runtimeEnvOf('apiVersion: v1\nkind: ConfigMap\ndata: {}\n')).toEqual({});
  });
});
