import { DEFAULT_LIMITS_RULE, defaultLimitWarnings } from './default-limit-warnings.js';
import type { SkippedLimit } from './default-resources.js';

const above = (container: string, resource: string, limit: string, request: string): SkippedLimit => ({
  container,
  resource,
  limit,
  reason: { why: 'request-above', request },
});
const podLevel = (container: string, resource: string, limit: string): SkippedLimit => ({
  container,
  resource,
  limit,
  reason: { why: 'pod-level' },
});

describe('defaultLimitWarnings', () => {
  it('given a request above the default limit, warns naming the container, resource, default and why', () => {
    expect(defaultLimitWarnings([above('containers[0] "app"', 'cpu', '1', '3')])).toEqual([
      {
        rule: DEFAULT_LIMITS_RULE,
        outcome: 'warn',
        message: 'containers[0] "app": no default cpu limit 1: its request 3 is above it',
      },
    ]);
  });

  it('given containers of a pod sized at pod level, warns once per resource naming them all', () => {
    const warnings = defaultLimitWarnings([
      podLevel('containers[0] "a"', 'cpu', '1'),
      podLevel('containers[1] "b"', 'cpu', '1'),
      podLevel('containers[0] "a"', 'memory', '512Mi'),
    ]);
    expect(warnings.map((w) => w.message)).toEqual([
      'containers[0] "a", containers[1] "b": no default cpu limit 1: the pod sets cpu in spec.resources',
      'containers[0] "a": no default memory limit 512Mi: the pod sets memory in spec.resources',
    ]);
  });

  it('keeps a usual warning, with its rule, within the 120 characters kubectl shows on one line', () => {
    const [warning] = defaultLimitWarnings([
      above('initContainers[12] "migrate-db"', 'memory', '512Mi', '1536Mi'),
    ]);
    expect(`[${warning?.rule}] ${warning?.message}`.length).toBeLessThan(120);
  });

  it('given nothing skipped, warns nothing', () => {
    expect(defaultLimitWarnings([])).toEqual([]);
  });
});
