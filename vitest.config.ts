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
      // Report even when a test fails, so the numbers are seen.
      reportOnFailure: true,
      // Provisional floor, not yet measured: the one full coverage run of this round ended with two
      // failing tests (of other work in flight), and vitest then wrote no report. Raise it to a
      // little below the numbers of the next green `npm run test:coverage`.
      thresholds: { lines: 50, statements: 50, functions: 50, branches: 40 },
    },
  },
});
