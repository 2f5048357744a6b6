import { describe, expect, it } from 'vitest';
import { whyNodeStageIsUnusable } from './node-stage-check.js';

describe('whyNodeStageIsUnusable', () => {
  it('given a user other than root, says staging needs root', async () => {
    expect(await whyNodeStageIsUnusable({ PATH: '/usr/bin' }, 1000)).toMatch(/needs root/);
  });
});
