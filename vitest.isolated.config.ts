import { defineConfig } from 'vitest/config'

/**
 * Tests that disturb shared servers (they restart PostgreSQL) or load the machine for a minute (chaos runs
 * of several serve instances): run one file at a time, after the main suite.
 */
export default defineConfig({
  test: {
    include: ['test/isolated/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
