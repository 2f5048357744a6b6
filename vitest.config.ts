import { configDefaults, defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources of the workspace packages: the
// `corral-source` export condition points each package at its src/index.ts.
const conditions = ['corral-source', 'node', 'import', 'module', 'default'];

// Suites named `*.alone.test.ts` compare the whole Ceph pool before and after each call, so no other
// suite may use the cluster meanwhile: `make test` runs them after the rest, with
// CORRAL_TEST_ALONE=1, which runs only them.
const ALONE = 'test/**/*.alone.test.ts';
const alone = process.env['CORRAL_TEST_ALONE'] === '1';

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['corral-source'] } },
  test: {
    globals: true,
    include: alone
      ? [ALONE]
      : ['packages/*/src/**/*.test.ts', 'plugins/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: alone ? configDefaults.exclude : [...configDefaults.exclude, ALONE],
    testTimeout: 20_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
