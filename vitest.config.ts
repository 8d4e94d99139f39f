import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The machines are 2-core: keep parallelism modest so timing-sensitive end-to-end tests are not starved.
    maxWorkers: 2,
  },
});
