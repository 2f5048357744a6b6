import { eventBody, eventKey, eventName, eventProblem } from './event-body.js';
import type { EventToRecord } from './event-types.js';

/** kube-apiserver's rules (pkg/apis/core/validation/events.go): lengths are Go len(), in bytes. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const bytes = (text: unknown) => Buffer.byteLength(String(text ?? ''), 'utf8');

const event: EventToRecord = {
  regarding: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', namespace: 'team-a' },
  type: 'Warning',
  reason: 'PolicyDenied',
  action: 'Deny',
  note: 'n',
};
const context = { name: 'web.1', controller: 'corral.dev/admission', instance: 'adm-0', nowMs: 0 };

describe('event bodies against the API rules', () => {
  it('given a reason, an action and an instance of multi-byte characters, keeps each within 128 bytes', () => {
    const body = eventBody(
      { ...event, reason: 'Ü'.repeat(100), action: 'é'.repeat(100) },
      { ...context, instance: 'ß'.repeat(100) },
    );
    expect(bytes(body.reason)).toBeLessThanOrEqual(128);
    expect(bytes(body.action)).toBeLessThanOrEqual(128);
    expect(bytes(body.reportingInstance)).toBeLessThanOrEqual(128);
    expect(body.reason).toMatch(/^Ü+$/);
  });

  it.each([
    ['a name cut where it has a dash', `${'a'.repeat(199)}-b`],
    ['a name cut where it has a dot', `${'a'.repeat(199)}.b`],
    ['a name in capitals (some kinds allow them)', 'Web-Frontend'],
    ['a name starting with a symbol once cleaned', ':system:web'],
    ['a name with nothing usable', '___'],
  ])('given %s, names the Event as a valid DNS subdomain of at most 253 characters', (_case, name) => {
    const made = eventName(name, Date.UTC(2025, 0, 1), 7);
    expect(made.length).toBeLessThanOrEqual(253);
    expect(made).toMatch(DNS_SUBDOMAIN);
  });

  it('given a cluster-scoped regarding object and a namespace other than default or kube-system, names the problem', () => {
    const clusterScoped = {
      ...event,
      regarding: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
      namespace: 'team-a',
    };
    expect(eventProblem(clusterScoped)).toMatch(/cluster-scoped/);
    expect(eventProblem({ ...clusterScoped, namespace: 'default' })).toBeUndefined();
    expect(eventProblem({ ...clusterScoped, namespace: undefined })).toBeUndefined();
  });

  it('given notes that differ only past what is written, keys them as one Event (bounded memory per key)', () => {
    const long = 'x'.repeat(5_000);
    expect(eventKey({ ...event, note: `${long}a` })).toBe(eventKey({ ...event, note: `${long}b` }));
    expect(eventKey({ ...event, note: long }).length).toBeLessThan(2_000);
  });
});
