import { startHarness, type Harness, type HarnessOptions } from './harness.js';

/**
 * Starts a harness with `options` before the test file's tests and stops it after them (vitest's
 * beforeAll and afterAll); the function returned gives the running harness to the tests and helpers.
 */
export function harnessPerFile(options: HarnessOptions = {}): () => Harness {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness(options);
  });
  afterAll(() => h?.stop());
  return () => {
    if (h === undefined) throw new Error('the harness is not started: use it in a test or a hook');
    return h;
  };
}
