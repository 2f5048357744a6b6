import { explainTargets } from './explain-targets.js';

const template = {
  metadata: { labels: { app: 'etl' }, namespace: 'ignored' },
  spec: { containers: [{ name: 'a', image: 'x' }] },
};

describe('explainTargets', () => {
  it.each([
    ['Deployment', { template }],
    ['StatefulSet', { template }],
    ['DaemonSet', { template }],
    ['ReplicaSet', { template }],
    ['Job', { template }],
    ['CronJob', { jobTemplate: { spec: { template } } }],
  ])(
    'given a %s, returns its pod template as a Pod in the workload namespace, named after it',
    (kind, spec) => {
      const document = { kind, metadata: { name: 'etl', namespace: 'research-batch' }, spec };
      expect(explainTargets([document], 'f.yaml')).toEqual({
        targets: [
          {
            title: `pod template of ${kind} research-batch/etl`,
            pod: {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { labels: { app: 'etl' }, name: 'etl', namespace: 'research-batch' },
              spec: template.spec,
            },
          },
        ],
        skipped: [],
      });
    },
  );

  it('given a workload that names no namespace, puts its template in default, as kubectl', () => {
    const { targets } = explainTargets(
      [{ kind: 'Deployment', metadata: { name: 'w' }, spec: { template } }],
      'f',
    );
    expect(targets[0]?.title).toBe('pod template of Deployment default/w');
    expect(targets[0]?.pod['metadata']).toMatchObject({ namespace: 'default' });
  });

  it('given several documents and a List, returns each pod and template in file order and names the rest', () => {
    const documents = [
      { kind: 'Service', metadata: { name: 'etl', namespace: 'n' } },
      { kind: 'Pod', metadata: { name: 'p', namespace: '' }, spec: { containers: [] } },
      {
        kind: 'List',
        items: [
          { kind: 'Job', metadata: { name: 'j', namespace: 'n' }, spec: { template } },
          { kind: 'ConfigMap', metadata: { name: 'c' } },
        ],
      },
      null,
    ];
    const { targets, skipped } = explainTargets(documents, 'f.yaml');
    expect(targets.map((target) => target.title)).toEqual(['pod default/p', 'pod template of Job n/j']);
    expect(skipped).toEqual(['Service n/etl', 'ConfigMap c']);
  });

  it('given a workload without a pod template, names it and what is missing', () => {
    const document = { kind: 'CronJob', metadata: { name: 'c', namespace: 'n' }, spec: {} };
    expect(() => explainTargets([document], 'f.yaml')).toThrow(
      'f.yaml: CronJob n/c has no spec.jobTemplate.spec.template.spec',
    );
  });

  it('given documents that hold no pod, says which kinds explain reads', () => {
    expect(() => explainTargets([{ kind: 'ConfigMap' }], 'f.yaml')).toThrow(
      'f.yaml holds no Pod and no workload with a pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob)',
    );
  });
});
