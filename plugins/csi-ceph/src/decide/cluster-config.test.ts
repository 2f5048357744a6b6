import { parseClusterConfig } from './cluster-config.js';

describe('parseClusterConfig', () => {
  it('given a ceph-csi config list, returns clusters by ID', () => {
    const text = JSON.stringify([
      { clusterID: 'a', monitors: ['10.0.0.1:6789'], rbd: { radosNamespace: 'ns' } },
    ]);
    const out = parseClusterConfig(text, 'f.json');
    expect(out.ok && out.clusters.get('a')).toEqual({
      clusterID: 'a',
      monitors: ['10.0.0.1:6789'],
      radosNamespace: 'ns',
      pools: [],
    });
  });

  it('given several broken entries, lists every problem at once', () => {
    const text = JSON.stringify([{ monitors: [] }, { clusterID: 'b', monitors: ['m'], rbd: 'x' }, 3]);
    const out = parseClusterConfig(text, 'f.json');
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.problems).toHaveLength(4);
  });

  it('given text that is not JSON, says so', () => {
    expect(parseClusterConfig('{', 'f.json')).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/not JSON/)],
    });
  });
});
