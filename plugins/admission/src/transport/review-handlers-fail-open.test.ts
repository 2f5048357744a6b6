import { DEFAULT_RULE_SETTINGS } from '../decide/settings.js';
import type { AdmissionRequest } from '../decide/request.js';
import { ReservationLedger } from '../effects/reservation-ledger.js';
import { snapshotFromFiles } from '../testing/example-snapshot.js';
import { reviewHandlers } from './review-handlers.js';
import { withAdmission } from './with-admission.js';

const snapshot = await snapshotFromFiles();
const ledger = new ReservationLedger({ ttlMs: 60_000, isCounted: () => false });
const handlers = reviewHandlers(snapshot, DEFAULT_RULE_SETTINGS, ledger);

const request = (group: string, kind: string, namespace?: string): AdmissionRequest => ({
  uid: 'u',
  kind: { group, version: group === '' ? 'v1' : 'v1alpha1', kind },
  ...(namespace === undefined ? {} : { namespace }),
  name: 'x',
  operation: 'CREATE',
  object: { metadata: { name: 'x', ...(namespace === undefined ? {} : { namespace }) } },
});

describe('reviewHandlers failOpen', () => {
  // web-prod enforce, web-staging warn, research-ml audit, sandbox no NamespacePolicy (enforce)
  const cases: [what: string, request: AdmissionRequest, open: boolean][] = [
    ['a Pod in web-staging (warn)', request('', 'Pod', 'web-staging'), true],
    ['a Pod in research-ml (audit)', request('', 'Pod', 'research-ml'), true],
    ['a Pod in web-prod (enforce)', request('', 'Pod', 'web-prod'), false],
    ['a Pod in sandbox (no NamespacePolicy)', request('', 'Pod', 'sandbox'), false],
    [
      'a NamespacePolicy in web-staging (warn)',
      request('corral.dev', 'NamespacePolicy', 'web-staging'),
      false,
    ],
    [
      'a NamespacePolicy in research-ml (audit)',
      request('corral.dev', 'NamespacePolicy', 'research-ml'),
      false,
    ],
    ['a Department', request('corral.dev', 'Department'), false],
    // A Namespace request carries its own name as namespace: web-staging is in warn mode.
    ['the Namespace web-staging (warn)', request('', 'Namespace', 'web-staging'), false],
  ];

  it.each(cases)('given %s, fails open: %s', (_what, req, open) => {
    expect(handlers.failOpen(req)).toBe(open);
  });

  it('given a rule that throws on a NamespacePolicy in a warn namespace, denies with 500', async () => {
    const body = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: request('corral.dev', 'NamespacePolicy', 'web-staging'),
    };
    const throwing = () => {
      throw new Error('boom');
    };
    const options = { deadlineMs: 1000, failOpen: handlers.failOpen };
    const out = await withAdmission(body, throwing, options);
    expect(out.review.response).toMatchObject({ allowed: false, status: { code: 500 } });
    const pod = { ...body, request: request('', 'Pod', 'web-staging') };
    expect((await withAdmission(pod, throwing, options)).review.response.allowed).toBe(true);
  });
});
