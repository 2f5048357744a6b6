import type { Department } from '../schema/department.js';
import type { NamespacePolicy } from '../schema/namespace-policy.js';
import {
  DEFAULT_ENFORCEMENT,
  DEFAULT_NODE_ISOLATION,
  effectiveEnforcement,
  effectiveNodeIsolation,
} from './effective.js';

describe('effective values', () => {
  it('given the schemas, the defaults are shared and enforce', () => {
    expect(DEFAULT_NODE_ISOLATION).toBe('shared');
    expect(DEFAULT_ENFORCEMENT).toBe('enforce');
  });

  const isolation: [spec: Department['spec'], expected: string][] = [
    [{}, 'shared'],
    [{ nodeIsolation: 'dedicated' }, 'dedicated'],
    [{ nodeIsolation: 'shared' }, 'shared'],
  ];
  it.each(isolation)('given a department spec %j, effectiveNodeIsolation returns %s', (spec, expected) => {
    expect(effectiveNodeIsolation({ spec })).toBe(expected);
  });

  const enforcement: [spec: NamespacePolicy['spec'], expected: string][] = [
    [{}, 'enforce'],
    [{ enforcement: 'warn' }, 'warn'],
    [{ enforcement: 'audit' }, 'audit'],
  ];
  it.each(enforcement)('given a policy spec %j, effectiveEnforcement returns %s', (spec, expected) => {
    expect(effectiveEnforcement({ spec })).toBe(expected);
  });
});
