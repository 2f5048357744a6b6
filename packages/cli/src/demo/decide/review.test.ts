import { describe, expect, it } from 'vitest';
import { applyPatch, createReview, describePatch, groupVersionOf, readAnswer, resourceOf } from './review.js';

const encode = (ops: unknown) => Buffer.from(JSON.stringify(ops)).toString('base64');
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'finance-prod', labels: { app: 'a' } },
  spec: { containers: [{ name: 'worker', image: 'x' }] },
};

describe('resourceOf and groupVersionOf', () => {
  it.each([
    ['Pod', 'pods'],
    ['PersistentVolumeClaim', 'persistentvolumeclaims'],
    ['NetworkPolicy', 'networkpolicies'],
    ['Ingress', 'ingresses'],
    ['Gateway', 'gateways'],
  ])('given kind %s, returns resource %s', (kind, resource) => expect(resourceOf(kind)).toBe(resource));

  it('given apps/v1 and v1, splits group and version', () => {
    expect(groupVersionOf('apps/v1')).toEqual({ group: 'apps', version: 'v1' });
    expect(groupVersionOf('v1')).toEqual({ group: '', version: 'v1' });
  });
});

describe('createReview', () => {
  it('given a pod, writes the AdmissionReview v1 of its CREATE', () => {
    const review = createReview(pod, 'uid-1', { username: 'alice', groups: ['g'] });
    expect(review).toMatchObject({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'uid-1',
        kind: { group: '', version: 'v1', kind: 'Pod' },
        resource: { group: '', version: 'v1', resource: 'pods' },
        name: 'p',
        namespace: 'finance-prod',
        operation: 'CREATE',
        userInfo: { username: 'alice', groups: ['g'] },
        object: pod,
        oldObject: null,
        dryRun: false,
      },
    });
  });
});

describe('readAnswer', () => {
  it('given a denial, returns its code and message', () => {
    const body = { response: { uid: 'u', allowed: false, status: { code: 403, message: '[rule] no' } } };
    expect(readAnswer(body, 'u')).toMatchObject({
      allowed: false,
      code: 403,
      message: '[rule] no',
      patch: [],
    });
  });

  it('given warnings, audit annotations and a patch, returns them decoded', () => {
    const ops = [{ op: 'add', path: '/spec/tolerations', value: [] }];
    const body = {
      response: {
        uid: 'u',
        allowed: true,
        warnings: ['[w] careful'],
        auditAnnotations: { audit: '[q] over' },
        patchType: 'JSONPatch',
        patch: encode(ops),
      },
    };
    expect(readAnswer(body, 'u')).toEqual({
      allowed: true,
      warnings: ['[w] careful'],
      auditAnnotations: { audit: '[q] over' },
      patch: ops,
    });
  });

  it.each([
    ['not a review', { hello: 1 }, /not an AdmissionReview response/],
    ['another uid', { response: { uid: 'other', allowed: true } }, /uid other is not u/],
    [
      'a patch without patchType',
      { response: { uid: 'u', allowed: true, patch: encode([]) } },
      /patchType JSONPatch/,
    ],
    [
      'a patch that is not a list',
      { response: { uid: 'u', allowed: true, patchType: 'JSONPatch', patch: encode({}) } },
      /not a JSON array/,
    ],
  ])('given %s, throws saying so', (_name, body, message) => {
    expect(() => readAnswer(body, 'u')).toThrow(message);
  });
});

describe('applyPatch and describePatch', () => {
  const ops = [
    { op: 'add' as const, path: '/spec/containers/0/resources', value: { requests: { cpu: '100m' } } },
    { op: 'add' as const, path: '/spec/affinity', value: {} },
    { op: 'add' as const, path: '/spec/tolerations', value: [{ key: 'a' }, { key: 'b' }] },
    { op: 'add' as const, path: '/spec/imagePullSecrets', value: [{ name: 'harbor-finance' }] },
    { op: 'add' as const, path: '/metadata/labels/corral.dev~1department', value: 'finance' },
  ];

  it('given a patch, applies it to a copy and leaves the original untouched', () => {
    const patched = applyPatch(pod, ops);
    expect(patched['metadata']).toMatchObject({ labels: { app: 'a', 'corral.dev/department': 'finance' } });
    expect(pod.metadata.labels).toEqual({ app: 'a' });
    expect(pod.spec).not.toHaveProperty('affinity');
  });

  it('given the webhook patch of a pod, summarises what changed in words', () => {
    expect(describePatch(ops, pod, applyPatch(pod, ops))).toBe(
      'requests/limits of worker, node affinity, 2 tolerations, pull secret harbor-finance, label corral.dev/department=finance',
    );
  });

  it('given a patch that does not apply to the object, throws instead of guessing', () => {
    expect(() => applyPatch(pod, [{ op: 'replace', path: '/spec/priority', value: 1 }])).toThrow();
  });

  it('given an operation it has no words for, shows the operation itself', () => {
    const other = [{ op: 'add' as const, path: '/spec/priority', value: 1 }];
    expect(describePatch(other, pod, applyPatch(pod, other))).toBe('add /spec/priority');
    expect(describePatch([], pod, pod)).toBe('-');
  });
});
