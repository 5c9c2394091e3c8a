import { defineConfig } from 'vitest/config';

// Unit tests: state and formatting code, no browser.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
