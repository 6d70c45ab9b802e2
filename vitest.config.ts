import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // A fixed fast-check seed for every property test (FC_SEED=<n> to explore others).
    setupFiles: ['test/support/fast-check-seed.ts'],
    // A missing or different snapshot fails everywhere, not only with CI=true: a snapshot is
    // rewritten only on purpose, one test file at a time (docs/testing.md), and read in git diff.
    update: 'none',
  },
});
