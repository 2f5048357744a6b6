import { UNIT } from '../usage/usage.js';
import { UsageIndex } from './usage-index.js';

describe('UsageIndex', () => {
  it('sums by namespace and department, moves namespaces and forgets zeros', () => {
    const index = new UsageIndex();
    const pod = new Map([['pods', UNIT]]);
    index.apply('ns1', 'a', pod, 1n);
    index.apply('ns1', 'a', pod, 1n);
    index.apply('ns2', 'a', pod, 1n);
    index.apply('ns3', undefined, pod, 1n);
    expect(index.ofNamespace('ns1').get('pods')).toBe(2n * UNIT);
    expect(index.ofDepartment('a').get('pods')).toBe(3n * UNIT);
    index.moveNamespace('ns1', 'a', 'b');
    expect(index.ofDepartment('a').get('pods')).toBe(UNIT);
    expect(index.ofDepartment('b').get('pods')).toBe(2n * UNIT);
    index.moveNamespace('ns3', undefined, 'b');
    expect(index.ofDepartment('b').get('pods')).toBe(3n * UNIT);
    index.apply('ns2', 'a', pod, -1n);
    expect(index.ofDepartment('a').size).toBe(0);
    expect(index.ofNamespace('ns2').size).toBe(0);
  });
});
