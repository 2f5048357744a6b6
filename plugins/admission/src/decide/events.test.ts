import { fail, pass, warn, type Decision } from './decision.js';
import { admissionEvents, MAX_EVENTS_PER_REVIEW, ownerOf, type ReviewOutcome } from './events.js';
import type { AdmissionRequest, Operation } from './request.js';

const RS_OWNER = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  name: 'web-7d4b9',
  uid: 'rs-uid',
  controller: true,
};

function podRequest(options: {
  operation?: Operation;
  owners?: unknown[];
  name?: string;
  dryRun?: boolean;
  namespace?: string;
}): AdmissionRequest {
  const name = options.name ?? 'web-7d4b9-abcde';
  return {
    uid: 'req-1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    namespace: options.namespace ?? 'team-a',
    ...(name ? { name } : {}),
    operation: options.operation ?? 'CREATE',
    object: {
      metadata: {
        ...(name ? { name } : { generateName: 'web-' }),
        namespace: 'team-a',
        uid: 'pod-uid',
        ...(options.owners ? { ownerReferences: options.owners } : {}),
      },
    },
    ...(options.dryRun ? { dryRun: true } : {}),
  };
}

const latest = fail('image-forbid-latest', 'image uses :latest; pin a version tag');
const warned: Decision = warn('image-forbid-latest', 'image uses :latest; pin a version tag');
const audited: Decision = { ...warned, audit: true };

const review = (
  request: AdmissionRequest,
  decisions: Decision[],
  allowed: boolean,
  webhook = 'validate',
): ReviewOutcome => ({ webhook, request, decisions, allowed });

/** [what, review, expected: "reason regarding-kind/name [related-kind]" per Event]. */
const cases: [string, ReviewOutcome, string[]][] = [
  [
    'a denied pod of a ReplicaSet',
    review(podRequest({ owners: [RS_OWNER] }), [latest], false),
    ['PolicyDenied ReplicaSet/web-7d4b9 Pod'],
  ],
  ['a denied pod created directly', review(podRequest({}), [latest], false), []],
  [
    'a warned pod of a ReplicaSet',
    review(podRequest({ owners: [RS_OWNER] }), [warned], true),
    ['PolicyWarning ReplicaSet/web-7d4b9 Pod'],
  ],
  [
    'a warned pod created directly',
    review(podRequest({}), [warned], true),
    ['PolicyWarning Pod/web-7d4b9-abcde -'],
  ],
  [
    'an audited pod of a ReplicaSet',
    review(podRequest({ owners: [RS_OWNER] }), [audited], true),
    ['PolicyAudit ReplicaSet/web-7d4b9 Pod'],
  ],
  [
    'an audited pod updated directly',
    review(podRequest({ operation: 'UPDATE' }), [audited], true),
    ['PolicyAudit Pod/web-7d4b9-abcde -'],
  ],
  [
    'an audited object with no name yet',
    review(podRequest({ name: '' }), [audited], true),
    ['PolicyAudit Namespace/team-a -'],
  ],
  [
    'a clean pod of a ReplicaSet',
    review(podRequest({ owners: [RS_OWNER] }), [pass('image-forbid-latest')], true),
    [],
  ],
  ['a dry run', review(podRequest({ owners: [RS_OWNER], dryRun: true }), [latest], false), []],
  ['a DELETE', review(podRequest({ owners: [RS_OWNER], operation: 'DELETE' }), [latest], false), []],
  ['the mutating webhook', review(podRequest({ owners: [RS_OWNER] }), [warned], true, 'mutate'), []],
  [
    'a Department (admins see the answer)',
    review(
      { ...podRequest({}), kind: { group: 'corral.dev', version: 'v1alpha1', kind: 'Department' } },
      [fail('policy-object-valid', 'bad')],
      false,
    ),
    [],
  ],
  [
    'a cluster-scoped Namespace warning',
    review(
      {
        ...podRequest({}),
        namespace: undefined,
        kind: { group: '', version: 'v1', kind: 'Namespace' },
        object: { metadata: { name: 'x' } },
      } as AdmissionRequest,
      [warn('namespace-department', 'no Department')],
      true,
    ),
    [],
  ],
  [
    'a denial with two failing rules',
    review(podRequest({ owners: [RS_OWNER] }), [latest, fail('quota', 'no room'), warned], false),
    ['PolicyDenied ReplicaSet/web-7d4b9 Pod', 'PolicyDenied ReplicaSet/web-7d4b9 Pod'],
  ],
];

describe('admissionEvents', () => {
  it.each(cases)('given %s, returns %j', (_what, outcome, expected) => {
    const events = admissionEvents(outcome);
    expect(
      events.map((e) => `${e.reason} ${e.regarding.kind}/${e.regarding.name} ${e.related?.kind ?? '-'}`),
    ).toEqual(expected);
    for (const event of events) {
      expect(event.type).toBe('Warning');
      expect(event.namespace).toBe('team-a');
      expect(event.regarding.namespace).toBe('team-a');
    }
  });

  it('given a denied pod of a ReplicaSet, names the rule and the fix but not the pod in the note', () => {
    const [event] = admissionEvents(review(podRequest({ owners: [RS_OWNER] }), [latest], false));
    expect(event).toEqual({
      regarding: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web-7d4b9',
        namespace: 'team-a',
        uid: 'rs-uid',
      },
      related: {
        apiVersion: 'v1',
        kind: 'Pod',
        name: 'web-7d4b9-abcde',
        namespace: 'team-a',
        uid: 'pod-uid',
      },
      type: 'Warning',
      reason: 'PolicyDenied',
      action: 'Deny',
      note: 'Corral denied creating a Pod: [image-forbid-latest] image uses :latest; pin a version tag',
      namespace: 'team-a',
    });
  });

  it('given an audited finding, says audit mode and what enforce would do', () => {
    const [event] = admissionEvents(review(podRequest({ owners: [RS_OWNER] }), [audited], true));
    expect(event?.action).toBe('Admit');
    expect(event?.note).toMatch(/audit mode; enforce mode would deny it\): \[image-forbid-latest\]/);
  });

  it('given more findings than the cap, records at most the cap', () => {
    const many = Array.from({ length: 9 }, (_, i) => fail(`rule-${i}`, 'x'));
    expect(admissionEvents(review(podRequest({ owners: [RS_OWNER] }), many, false))).toHaveLength(
      MAX_EVENTS_PER_REVIEW,
    );
  });
});

describe('ownerOf', () => {
  it.each([
    [
      'the controller among several owners',
      [{ ...RS_OWNER, controller: false, name: 'other' }, RS_OWNER],
      'web-7d4b9',
    ],
    [
      'the first owner when none is the controller',
      [{ ...RS_OWNER, controller: undefined, name: 'first' }],
      'first',
    ],
    ['an owner missing its kind', [{ apiVersion: 'v1', name: 'x' }], undefined],
    ['no owner list', undefined, undefined],
    ['a malformed owner list', 'nope', undefined],
  ])('given %s, returns %s', (_what, owners, expected) => {
    expect(ownerOf({ metadata: { ownerReferences: owners } }, 'team-a')?.name).toBe(expected);
  });
});
