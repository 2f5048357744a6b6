import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources of the workspace packages: the
// `corral-source` export condition points each package at its src/index.ts.
const conditions = ['corral-source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['corral-source'] } },
  test: {
    globals: true,
    include: ['packages/*/src/**/*.test.ts', 'plugins/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
