import { defineConfig } from 'vitest/config';

// One run covers unit (*.test.ts), integration (*.int.test.ts: real servers on loopback)
// and end-to-end (*.e2e.test.ts: Debian's Chromium) tests, all in test/ beside each room.
export default defineConfig({
  test: {
    include: ['**/test/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time even on two cores: most integration and end-to-end files spend their
    // time waiting on servers, browsers and timers (vitest's default is one fewer than the cores).
    // Every test takes free ports of its own, so two never meet.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
