import { isDenial } from './decision.js';
import { NOTHING_RESERVED } from './quota.js';
import { DEFAULT_RULE_SETTINGS } from './settings.js';
import { validateRequest } from './validate.js';
import { podRequest, snapshotFromFiles } from '../testing/example-snapshot.js';

/** `kubectl debug`: an UPDATE of the pods/ephemeralcontainers subresource adding a container. */
function debugRequest(image: string) {
  const containers = [
    { name: 'app', image: `harbor.example.com/finance/payments/app:1.0@sha256:${'a'.repeat(64)}` },
  ];
  const before = podRequest('finance-prod', { containers }, { operation: 'UPDATE' });
  const after = podRequest(
    'finance-prod',
    { containers, ephemeralContainers: [{ name: 'debugger', image }] },
    { operation: 'UPDATE' },
  );
  return { ...after, subResource: 'ephemeralcontainers', oldObject: before.object };
}

describe('ephemeral containers added with kubectl debug', () => {
  it('given an image from outside the department, denies the subresource update naming the container', async () => {
    const snapshot = await snapshotFromFiles();
    const result = validateRequest(
      debugRequest('busybox'),
      snapshot,
      DEFAULT_RULE_SETTINGS,
      () => NOTHING_RESERVED,
    );
    const denials = result.decisions.filter(isDenial);
    expect(denials.length).toBeGreaterThan(0);
    expect(denials.map((d) => d.message).join('\n')).toMatch(/ephemeralContainers\[0\] "debugger"/);
    expect(result.demand).toBeUndefined();
  });

  it('given an allowed, pinned image, admits it and reserves no quota', async () => {
    const snapshot = await snapshotFromFiles();
    const image = `harbor.example.com/finance/payments/debug:1.0@sha256:${'b'.repeat(64)}`;
    const result = validateRequest(
      debugRequest(image),
      snapshot,
      DEFAULT_RULE_SETTINGS,
      () => NOTHING_RESERVED,
    );
    expect(result.decisions.filter(isDenial)).toEqual([]);
    expect(result.demand).toBeUndefined();
  });
});
