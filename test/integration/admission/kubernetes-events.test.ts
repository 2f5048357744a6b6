import { loadAdmissionConfig } from '@corral/admission';
import { rawNamespace, rawNamespacePolicy } from '@corral/cluster';
import { ConfigError } from '@corral/runtime';
import { startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { listEvents, ownedPodReview, startClusterReplica } from './support-cluster.js';

const RS = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9', uid: 'rs-uid' };
const JOB = { apiVersion: 'batch/v1', kind: 'Job', name: 'nightly', uid: 'job-uid' };
const images = { forbidLatestTag: true };

describe('corral admission records Kubernetes Events (fake API server)', () => {
  let api: FakeApiServer;
  beforeEach(async () => {
    api = await startFakeApiServer();
    api.upsert(rawNamespace('team-audit') as never);
    api.upsert(rawNamespace('team-enforce') as never);
    api.upsert(rawNamespacePolicy('team-audit', 'policy', { enforcement: 'audit', images }) as never);
    api.upsert(rawNamespacePolicy('team-enforce', 'policy', { enforcement: 'enforce', images }) as never);
  });
  afterEach(async () => api.close());

  it('given audit violations from a ReplicaSet pod, records one Event about the ReplicaSet and folds repeats into its series', async () => {
    const replica = await startClusterReplica(api, 'events-token');
    try {
      await vi.waitFor(async () => expect(await replica.ready()).toBe(true), {
        timeout: 10_000,
        interval: 50,
      });
      const first = await replica.review(ownedPodReview('team-audit', 'web-7d4b9-aaaaa', 'nginx:latest', RS));
      expect(first.response.allowed).toBe(true);
      await vi.waitFor(async () => expect(await listEvents(api, 'team-audit')).toHaveLength(1), {
        timeout: 5_000,
        interval: 20,
      });
      for (const name of ['web-7d4b9-bbbbb', 'web-7d4b9-ccccc', 'web-7d4b9-ddddd'])
        expect(
          (await replica.review(ownedPodReview('team-audit', name, 'nginx:latest', RS))).response.allowed,
        ).toBe(true);
    } finally {
      // Stopping writes the pending series count.
      await replica.running.stop();
    }
    const events = await listEvents(api, 'team-audit');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      regarding: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web-7d4b9',
        namespace: 'team-audit',
        uid: 'rs-uid',
      },
      related: { kind: 'Pod', name: 'web-7d4b9-aaaaa' },
      type: 'Warning',
      reason: 'PolicyAudit',
      action: 'Admit',
      reportingController: 'corral.dev/admission',
      series: { count: 4 },
    });
    expect(String(events[0]?.['note'])).toMatch(/\[image-forbid-latest\]/);
    expect(String(events[0]?.['eventTime'])).toMatch(/\.\d{6}Z$/);
    // One create, then one series patch for the three repeats (the test's own reads are GETs).
    const writes = api.requests
      .all()
      .filter((r) => r.path.startsWith('/apis/events.k8s.io/') && r.method !== 'GET');
    expect(writes.map((r) => r.method)).toEqual(['POST', 'PATCH']);
  });

  it('given denials, records one about a Job that created the pod, none for a pod created directly', async () => {
    const replica = await startClusterReplica(api, 'events-token');
    try {
      await vi.waitFor(async () => expect(await replica.ready()).toBe(true), {
        timeout: 10_000,
        interval: 50,
      });
      const direct = await replica.review(ownedPodReview('team-enforce', 'by-hand', 'nginx:latest'));
      const owned = await replica.review(ownedPodReview('team-enforce', 'nightly-x1', 'nginx:latest', JOB));
      expect([direct.response.allowed, owned.response.allowed]).toEqual([false, false]);
    } finally {
      await replica.running.stop();
    }
    const events = await listEvents(api, 'team-enforce');
    expect(events.map((e) => [(e['regarding'] as { kind: string }).kind, e['reason']])).toEqual([
      ['Job', 'PolicyDenied'],
    ]);
    expect(String(events[0]?.['note'])).toMatch(/^Corral denied creating a Pod: \[image-forbid-latest\]/);
  });

  it('given --no-events, records none', async () => {
    const replica = await startClusterReplica(api, 'events-token', ['--no-events']);
    try {
      await vi.waitFor(async () => expect(await replica.ready()).toBe(true), {
        timeout: 10_000,
        interval: 50,
      });
      await replica.review(ownedPodReview('team-audit', 'web-7d4b9-aaaaa', 'nginx:latest', RS));
    } finally {
      await replica.running.stop();
    }
    expect(await listEvents(api, 'team-audit')).toEqual([]);
  });
});

describe('admission config for events and the status Lease', () => {
  it.each([
    [['--policies', 'p'], {}, true, 'corral-admission-status-writer'],
    [['--policies', 'p', '--no-events', '--status-lease', 'my-lease'], {}, false, 'my-lease'],
    [['--policies', 'p'], { CORRAL_ADMISSION_EVENTS: 'false' }, false, 'corral-admission-status-writer'],
  ])('given %j and env %j, events=%s and the Lease is %s', (argv, env, events, lease) => {
    const config = loadAdmissionConfig(argv, env);
    expect(config.events).toBe(events);
    expect(config.statusLease).toBe(lease);
  });

  it('given a Lease name that is not a DNS name, refuses', () => {
    expect(() => loadAdmissionConfig(['--policies', 'p', '--status-lease', 'Not_A_Name'])).toThrow(
      ConfigError,
    );
  });
});
