import { defineConfig } from 'vitest/config';

// Browser tests: the real `terrane serve` and Debian's headless Chromium, one file at a time.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['e2e/setup.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 300_000,
    sequence: { concurrent: false },
  },
});
