import { formatUsage } from '@corral/cluster';
import { demandOf } from './demand.js';

const claim = (
  storage: string,
  extra: { storageClassName?: string; annotations?: Record<string, string> },
) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { generateName: 'data-', ...(extra.annotations ? { annotations: extra.annotations } : {}) },
  spec: {
    accessModes: ['ReadWriteOnce'],
    ...(extra.storageClassName === undefined ? {} : { storageClassName: extra.storageClassName }),
    resources: { requests: { storage } },
  },
});

const pod = (resources: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'app', image: 'x', resources }] },
});

describe('demandOf', () => {
  const gold = (resource: string) => `gold.storageclass.storage.k8s.io/${resource}`;
  const cases: [what: string, kind: 'Pod' | 'PersistentVolumeClaim', object: unknown, expected: unknown][] = [
    [
      'a claim of class gold (set by DefaultStorageClass or the user)',
      'PersistentVolumeClaim',
      claim('10Gi', { storageClassName: 'gold' }),
      {
        persistentvolumeclaims: '1',
        'requests.storage': '10Gi',
        [gold('persistentvolumeclaims')]: '1',
        [gold('requests.storage')]: '10Gi',
      },
    ],
    [
      'a claim without a class',
      'PersistentVolumeClaim',
      claim('10Gi', {}),
      { persistentvolumeclaims: '1', 'requests.storage': '10Gi' },
    ],
    [
      'a claim with the beta class annotation',
      'PersistentVolumeClaim',
      claim('1Gi', { annotations: { 'volume.beta.kubernetes.io/storage-class': 'gold' } }),
      {
        persistentvolumeclaims: '1',
        'requests.storage': '1Gi',
        [gold('persistentvolumeclaims')]: '1',
        [gold('requests.storage')]: '1Gi',
      },
    ],
    [
      'a claim asking a fraction of a byte (ResourceQuota rounds it up to a whole byte)',
      'PersistentVolumeClaim',
      claim('1500m', { storageClassName: 'gold' }),
      {
        persistentvolumeclaims: '1',
        'requests.storage': '2',
        [gold('persistentvolumeclaims')]: '1',
        [gold('requests.storage')]: '2',
      },
    ],
    [
      'a pod with huge pages and ephemeral storage',
      'Pod',
      pod({
        requests: { cpu: '1', 'hugepages-2Mi': '256Mi', 'ephemeral-storage': '1Gi' },
        limits: { 'hugepages-2Mi': '256Mi', 'ephemeral-storage': '2Gi' },
      }),
      {
        pods: '1',
        'count/pods': '1',
        'requests.cpu': '1',
        'requests.hugepages-2Mi': '256Mi',
        'requests.ephemeral-storage': '1Gi',
        'limits.ephemeral-storage': '2Gi',
      },
    ],
  ];
  it.each(cases)('given %s, returns its ResourceQuota usage', (_what, kind, object, expected) => {
    const demand = demandOf(kind, object, 'team-a');
    expect(demand.ok && formatUsage(demand.usage)).toEqual(expected);
  });
});
