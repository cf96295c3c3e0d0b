import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, so a test never mixes a built copy of a class with the source one.
    alias: [{ find: /^@m3ugen\/([\w-]+)$/, replacement: `${packages}$1/src/index.ts` }],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    // Config files the tests write are imported as Node imports them (through m3ugen's TypeScript hooks), not by Vite.
    server: { deps: { external: [/\/m3ugen\.config\.[cm]?ts(\?|$)/] } },
    // A temporary folder per run, removed at its end (test/support/temporary-folder.ts).
    globalSetup: ['test/support/temporary-folder.ts'],
    // M3UGEN_PROPERTY_RUNS_SCALE (pnpm test:deep) multiplies the cases of every fast-check property (test/support/property-runs.ts).
    setupFiles: ['test/support/property-runs.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
