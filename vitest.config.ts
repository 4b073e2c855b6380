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
      // Measured on 2026-12-03 over the whole suite: lines 83.5%, statements 82.0%, functions 87.6%,
      // branches 67.9%; the floor sits two or three points below, so noise does not fail a run.
      thresholds: { lines: 80, statements: 79, functions: 85, branches: 65 },
    },
  },
});
