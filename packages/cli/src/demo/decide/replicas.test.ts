import { describe, expect, it } from 'vitest';
import { replicaPods, templateHash } from './replicas.js';

const deployment = (replicas: number | undefined, image = 'x') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'worker', namespace: 'ns' },
  spec: {
    ...(replicas === undefined ? {} : { replicas }),
    template: { metadata: { labels: { app: 'worker' } }, spec: { containers: [{ name: 'w', image }] } },
  },
});

describe('replicaPods', () => {
  it('given 3 replicas, returns 3 pods of the template owned by one ReplicaSet, with distinct names', () => {
    const pods = replicaPods(deployment(3));
    expect(pods).toHaveLength(3);
    const hash = templateHash(deployment(3).spec.template);
    for (const pod of pods) {
      expect(pod).toMatchObject({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          namespace: 'ns',
          labels: { app: 'worker', 'pod-template-hash': hash },
          ownerReferences: [{ kind: 'ReplicaSet', name: `worker-${hash}`, controller: true }],
        },
        spec: { containers: [{ name: 'w', image: 'x' }] },
      });
    }
    expect(new Set(pods.map((p) => (p['metadata'] as { name: string }).name)).size).toBe(3);
  });

  it('given no replicas field, creates one pod (the default)', () =>
    expect(replicaPods(deployment(undefined))).toHaveLength(1));

  it('given the same template, names pods the same; another template, another hash', () => {
    const name = (pods: Record<string, unknown>[]) =>
      pods.map((pod) => (pod['metadata'] as { name: string }).name);
    const hash = templateHash(deployment(1).spec.template);
    const otherHash = templateHash(deployment(1, 'y').spec.template);
    // kube-controller-manager's alphabet: no vowels, no 0/1/3 (no words, no look-alikes).
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(otherHash).not.toBe(hash);
    const [podName = ''] = name(replicaPods(deployment(1)));
    expect(podName).toMatch(new RegExp(`^worker-${hash}-[bcdfghjklmnpqrstvwxz2456789]{1,5}$`));
    expect(name(replicaPods(deployment(1)))).toEqual([podName]);
    const [otherName = ''] = name(replicaPods(deployment(1, 'y')));
    expect(otherName.startsWith(`worker-${otherHash}-`)).toBe(true);
  });

  it('given a Deployment without a pod template, creates nothing', () => {
    expect(replicaPods({ kind: 'Deployment', metadata: { name: 'x' }, spec: {} })).toEqual([]);
  });
});
