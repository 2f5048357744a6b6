import { decisionSummary, examplesValidator } from '../testing/validate-examples.js';
import { EMPTY_USAGE, UNIT, type Usage } from '@corral/cluster';
import { parseQuantity } from '@corral/policy';
import { podRequest } from '../testing/example-snapshot.js';
import { increaseOf } from './quota-decisions.js';
import type { AdmissionRequest } from './request.js';
import type { ReservedUsage } from './validate.js';

const { validate } = await examplesValidator();
const summary = decisionSummary;
const q = (text: string) => parseQuantity(text).nanos;
const usage = (entries: Record<string, string>): Usage =>
  new Map(Object.entries(entries).map(([key, value]) => [key, q(value)]));

describe('increaseOf', () => {
  const cases: [
    what: string,
    before: Record<string, string>,
    after: Record<string, string>,
    grown: Record<string, string>,
  ][] = [
    [
      'a grown claim',
      { 'requests.storage': '1Gi', persistentvolumeclaims: '1' },
      { 'requests.storage': '10Ti', persistentvolumeclaims: '1' },
      { 'requests.storage': '10239Gi' },
    ],
    ['a shrunk claim', { 'requests.storage': '20Gi' }, { 'requests.storage': '10Gi' }, {}],
    ['no change', { 'requests.storage': '5Gi' }, { 'requests.storage': '5Gi' }, {}],
    [
      'a key that appears',
      {},
      { 'requests.storage': '5Gi', persistentvolumeclaims: '1' },
      { 'requests.storage': '5Gi', persistentvolumeclaims: '1' },
    ],
    ['one key up, one down', { a: '1', b: '5' }, { a: '3', b: '1' }, { a: '2' }],
  ];
  it.each(cases)('given %s, returns %j', (_what, before, after, grown) => {
    expect(increaseOf(usage(before), usage(after))).toEqual(usage(grown));
  });
});

/** web-prod: NamespacePolicy requests.storage 200Gi (enforce), department web 500Gi; media-cms-0 holds 50Gi. */
const claim = (namespace: string, storage: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'media-cms-0', namespace, ...extra },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
});
/** An UPDATE of `kind` from its object of size `from` to the same object of size `to`. */
const updateOf =
  (
    kind: 'Pod' | 'PersistentVolumeClaim',
    objectOf: (namespace: string, size: string) => { metadata: { name: string } },
  ) =>
  (
    namespace: string,
    from: string,
    to: string,
    options: { subResource?: string; dryRun?: boolean } = {},
  ): AdmissionRequest => {
    const object = objectOf(namespace, to);
    return {
      uid: 'u',
      kind: { group: '', version: 'v1', kind },
      namespace,
      name: object.metadata.name,
      operation: 'UPDATE',
      object,
      oldObject: objectOf(namespace, from),
      ...options,
    };
  };
const resize = updateOf('PersistentVolumeClaim', (namespace, storage) => claim(namespace, storage));
const CLAIM_RESIZE_KEY = 'resize/PersistentVolumeClaim/web-prod/media-cms-0';

describe('validateRequest: claim resize (PVC UPDATE)', () => {
  // The snapshot holds media-cms-0 in web-prod at 50Gi; in web-staging and research-ml it holds no
  // such claim, so there the whole new size is held (the snapshot counts none of it yet).
  const cases: [what: string, request: AdmissionRequest, expected: string[], held?: string][] = [
    [
      '50Gi → 10Ti in web-prod',
      resize('web-prod', '50Gi', '10Ti'),
      ['namespace-quota:fail', 'department-quota:fail'],
      '10190Gi',
    ],
    // 50Gi used + 150Gi more = 200Gi: exactly the namespace quota
    ['50Gi → 200Gi in web-prod', resize('web-prod', '50Gi', '200Gi'), [], '150Gi'],
    ['50Gi → 201Gi in web-prod', resize('web-prod', '50Gi', '201Gi'), ['namespace-quota:fail'], '151Gi'],
    ['a shrink', resize('web-prod', '50Gi', '10Gi'), []],
    ['no change', resize('web-prod', '50Gi', '50Gi'), []],
    ['a status update', resize('web-prod', '1Gi', '10Ti', { subResource: 'status' }), []],
    // web-staging (warn): no storage key in its NamespacePolicy, department web 500Gi
    [
      '1Gi → 1Ti in web-staging (warn)',
      resize('web-staging', '1Gi', '1Ti'),
      ['department-quota:warn'],
      '1Ti',
    ],
    // research-ml (audit): NamespacePolicy 2Ti, department research 4Ti with 500Gi used
    [
      '1Gi → 5Ti in research-ml (audit)',
      resize('research-ml', '1Gi', '5Ti'),
      ['namespace-quota:warn:audit', 'department-quota:warn:audit'],
      '5Ti',
    ],
    ['1Gi → 1Ti in sandbox (no quota)', resize('sandbox', '1Gi', '1Ti'), []],
    ['1Gi → 10Ti in kube-system', resize('kube-system', '1Gi', '10Ti'), []],
  ];
  it.each(cases)('given %s, returns %j', (_what, request, expected, held) => {
    const result = validate(request);
    expect(summary(result.decisions)).toEqual(expected);
    // What it grows beyond the snapshot's count is reserved when admitted; a shrink holds nothing.
    expect(result.demand?.usage.get('requests.storage')).toBe(held === undefined ? undefined : q(held));
  });

  it('given a growth, holds the increase under the resize key of the claim until the snapshot shows the new size', () => {
    const { demand } = validate(resize('web-prod', '50Gi', '200Gi'));
    expect(demand).toEqual({
      key: CLAIM_RESIZE_KEY,
      scopes: ['namespace/web-prod', 'department/web'],
      usage: usage({ 'requests.storage': '150Gi' }),
      target: usage({ 'requests.storage': '200Gi' }),
    });
  });

  it('given an excess, names the increase over what the snapshot counts, in one unit', () => {
    const [namespaceQuota] = validate(resize('web-prod', '50Gi', '10Ti')).decisions;
    expect(namespaceQuota?.message).toContain(
      'requests.storage would reach 10240Gi of 200Gi (this object asks 10190Gi)',
    );
  });

  it('given a dry run, answers the same', () => {
    expect(summary(validate(resize('web-prod', '50Gi', '10Ti', { dryRun: true })).decisions)).toEqual([
      'namespace-quota:fail',
      'department-quota:fail',
    ]);
  });

  it("given reservations in the namespace, counts them all but the claim's own earlier resize", () => {
    // 100Gi held in web-prod, 60Gi of it by an earlier resize of this claim (50Gi → 110Gi).
    const reserved: ReservedUsage = (scope, exclude) => {
      expect(exclude).toBe(CLAIM_RESIZE_KEY);
      const inNamespace = scope === 'namespace/web-prod';
      return {
        held: inNamespace ? usage({ 'requests.storage': '100Gi' }) : EMPTY_USAGE,
        less: inNamespace ? usage({ 'requests.storage': '60Gi' }) : EMPTY_USAGE,
      };
    };
    // 50Gi counted + 40Gi others' + 110Gi more = 200Gi.
    expect(summary(validate(resize('web-prod', '50Gi', '160Gi'), reserved).decisions)).toEqual([]);
    expect(summary(validate(resize('web-prod', '50Gi', '161Gi'), reserved).decisions)).toEqual([
      'namespace-quota:fail',
    ]);
  });

  it('given an old object without a spec (corral check), takes the old size from the snapshot', () => {
    const request = { ...resize('web-prod', '1Gi', '200Gi'), oldObject: {} };
    expect(summary(validate(request).decisions)).toEqual([]);
    const over = { ...resize('web-prod', '1Gi', '201Gi'), oldObject: {} };
    expect(summary(validate(over).decisions)).toEqual(['namespace-quota:fail']);
  });

  it('given an unreadable new size, fails naming the field', () => {
    const [decision] = validate(resize('web-prod', '1Gi', 'lots')).decisions;
    expect(decision).toMatchObject({ rule: 'quota', outcome: 'fail' });
    expect(decision?.message).toContain('storage');
  });
});

/**
 * cms-0 of web-prod requesting `cpu` (the snapshot holds it at 250m and 512Mi, limits 1 cpu and 1Gi;
 * here without a cpu limit, so only its requests grow).
 */
const sizedPod = (namespace: string, cpu: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'cms-0', namespace },
  spec: {
    containers: [
      {
        name: 'main',
        image: 'harbor.example.com/web/cms:1.4.0',
        resources: { requests: { cpu, memory: '512Mi' }, limits: { memory: '1Gi' } },
      },
    ],
  },
});
const podResize = updateOf('Pod', sizedPod);

describe('validateRequest: in-place pod resize (Pod UPDATE, pods/resize)', () => {
  // web-prod: 8 cpu of requests, 2.1 used (cms-0's 250m among them)
  const cases: [what: string, request: AdmissionRequest, expected: string[], held?: string][] = [
    [
      '250m → 500 through pods/resize',
      podResize('web-prod', '250m', '500', { subResource: 'resize' }),
      ['namespace-quota:fail', 'department-quota:fail'],
      '499750m',
    ],
    [
      '250m → 500 as a pod UPDATE',
      podResize('web-prod', '250m', '500'),
      ['namespace-quota:fail', 'department-quota:fail'],
      '499750m',
    ],
    [
      '250m → 6150m (2.1 + 5.9 = 8: exactly the quota)',
      podResize('web-prod', '250m', '6150m', { subResource: 'resize' }),
      [],
      '5900m',
    ],
    [
      '250m → 6151m',
      podResize('web-prod', '250m', '6151m', { subResource: 'resize' }),
      ['namespace-quota:fail'],
      '5901m',
    ],
    ['a shrink', podResize('web-prod', '2', '100m', { subResource: 'resize' }), []],
    ['no change (a label update)', podResize('web-prod', '1', '1'), []],
    ['a status update', podResize('web-prod', '100m', '500', { subResource: 'status' }), []],
    ['250m → 500 in sandbox (no quota)', podResize('sandbox', '250m', '500', { subResource: 'resize' }), []],
  ];
  it.each(cases)('given %s, returns %j', (_what, request, expected, held) => {
    const result = validate(request);
    expect(summary(result.decisions)).toEqual(expected);
    expect(result.demand?.usage.get('requests.cpu')).toBe(held === undefined ? undefined : q(held));
  });

  it('given a growth, names the increase', () => {
    const { decisions } = validate(podResize('web-prod', '250m', '500', { subResource: 'resize' }));
    const namespaceQuota = decisions.find((decision) => decision.rule === 'namespace-quota');
    expect(namespaceQuota?.message).toContain(
      'requests.cpu would reach 501.85 of 8 (this object asks 499.75)',
    );
  });

  it('given a growth, holds only the keys the new size exceeds the snapshot on, with their new size as target', () => {
    const { demand } = validate(podResize('web-prod', '250m', '1', { subResource: 'resize' }));
    expect(demand).toEqual({
      key: 'resize/Pod/web-prod/cms-0',
      scopes: ['namespace/web-prod', 'department/web'],
      usage: usage({ 'requests.cpu': '750m' }),
      target: usage({ 'requests.cpu': '1' }),
    });
  });
});

describe('validateRequest: pods must size cpu and memory under a compute quota', () => {
  const image = 'harbor.example.com/research/x:1';
  const pod = (resources?: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    containers: [{ name: 'c', image, ...(resources ? { resources } : {}) }],
    ...extra,
  });
  const sized = { limits: { cpu: '1', memory: '1Gi' } };
  const cases: [what: string, request: AdmissionRequest, expected: string[]][] = [
    // research-batch: no NamespacePolicy (no defaults), department research limits requests.cpu
    ['no requests in research-batch', podRequest('research-batch', pod()), ['department-quota:fail']],
    ['limits only in research-batch', podRequest('research-batch', pod(sized)), []],
    [
      'requests without the limits.memory research counts',
      podRequest('research-batch', pod({ requests: { cpu: '1', memory: '1Gi' } })),
      ['department-quota:fail'],
    ],
    [
      'a GPU but no cpu or memory',
      podRequest('research-batch', pod({ limits: { 'nvidia.com/gpu': '1' } })),
      ['department-quota:fail'],
    ],
    [
      'an init container without requests',
      podRequest('research-batch', pod(sized, { initContainers: [{ name: 'i', image }] })),
      ['department-quota:fail'],
    ],
    [
      'an ephemeral container without requests',
      podRequest('research-batch', pod(sized, { ephemeralContainers: [{ name: 'e', image }] })),
      [],
    ],
    // research-ml (audit): both quotas ask, both are relaxed
    [
      'no requests in research-ml (audit)',
      podRequest('research-ml', { containers: [{ name: 'c', image: 'harbor.example.com/research/ml/x:1' }] }),
      ['namespace-quota:warn:audit', 'department-quota:warn:audit'],
    ],
    ['no requests in sandbox (no quota)', podRequest('sandbox', pod()), []],
    ['no requests in kube-system', podRequest('kube-system', pod()), []],
  ];
  it.each(cases)('given %s, returns %j', (_what, request, expected) => {
    expect(summary(validate(request).decisions)).toEqual(expected);
  });

  it('given no requests, says which container and how to fix it, like ResourceQuota', () => {
    const [decision] = validate(podRequest('research-batch', pod())).decisions.filter(
      (d) => d.outcome === 'fail',
    );
    expect(decision?.message).toContain(
      'the quota of department research limits requests.cpu, requests.memory, limits.memory',
    );
    expect(decision?.message).toContain(
      'set resources.requests.cpu (or resources.limits.cpu) in containers[0] "c"',
    );
    expect(decision?.message).toContain('ask a platform admin for a default in the NamespacePolicy');
  });

  it('given a pod with requests, still counts it against the quota', () => {
    const huge = podRequest('research-batch', pod({ requests: { cpu: '1000' }, limits: { memory: '1Gi' } }));
    const [decision] = validate(huge).decisions.filter((d) => d.outcome === 'fail');
    expect(decision?.message).toContain('requests.cpu would reach 1027.5 of 48 (this object asks 1000)');
    expect(validate(huge).demand?.usage.get('requests.cpu')).toBe(1000n * UNIT);
  });
});

describe('new objects where no quota applies', () => {
  const create = (namespace: string): AdmissionRequest => ({
    uid: 'u-new',
    kind: { group: '', version: 'v1', kind: 'PersistentVolumeClaim' },
    namespace,
    name: 'media-new',
    operation: 'CREATE',
    object: claim(namespace, '10Gi'),
  });

  it('given a namespace without any quota (sandbox), checks and holds nothing', () => {
    const result = validate(create('sandbox'));
    expect(summary(result.decisions).filter((d) => d.includes('quota'))).toEqual([]);
    expect(result.demand).toBeUndefined();
  });

  it('given a namespace under a quota (web-prod), holds the claim for the quotas', () => {
    const result = validate(create('web-prod'));
    expect(result.demand?.usage.get('requests.storage')).toBe(q('10Gi'));
    expect(result.demand?.scopes).toEqual(['namespace/web-prod', 'department/web']);
  });
});
