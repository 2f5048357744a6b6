import fc from 'fast-check';
import { listFixtures, loadAdmissionReview } from '../../../../test/support/fixtures.js';
import { ReservationLedger } from '../effects/reservation-ledger.js';
import { DEFAULT_RULE_SETTINGS } from '../decide/settings.js';
import { ADM_ERR, AdmissionError } from '../errors.js';
import { snapshotFromFiles } from '../testing/example-snapshot.js';
import { reviewHandlers } from './review-handlers.js';
import { withAdmission, type InnerHandler } from './with-admission.js';

const snapshot = await snapshotFromFiles();
const ledger = new ReservationLedger({ ttlMs: 1, isCounted: () => false });
const handlers = reviewHandlers(snapshot, DEFAULT_RULE_SETTINGS, ledger);
const options = { deadlineMs: 1000, failOpen: handlers.failOpen };
const FIXTURES = listFixtures('admission-');

/** Runs a body through a webhook; only ADM_ERR_BAD_REVIEW may escape (it becomes HTTP 400). */
async function answer(body: unknown, inner: InnerHandler) {
  try {
    const out = await withAdmission(body, inner, options);
    expect(out.failure).toBeUndefined();
    return out.review;
  } catch (err) {
    expect(err).toBeInstanceOf(AdmissionError);
    expect((err as AdmissionError).code).toBe(ADM_ERR.BAD_REVIEW);
    return undefined;
  }
}

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,6}$/);
const tag = fc.stringMatching(/^[a-z0-9][a-z0-9.]{0,5}$/).filter((t) => t !== 'latest');
/** Images web-prod (enforce) must refuse. */
const forbidden = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'harbor.example.com:5000',
        'harbor.example.co',
        'docker.io',
        'quay.io',
        'harbor.example.com.evil.io',
      ),
      segment,
      segment,
      tag,
    )
    .map(([host, a, b, t]) => `${host}/${a}/${b}:${t}`),
  fc
    .tuple(fc.constantFrom('webx', 'we', 'web-', 'library2', 'libraryweb'), segment, tag)
    .map(([p, a, t]) => `harbor.example.com/${p}/${a}:${t}`),
  fc.tuple(segment, tag).map(([a, t]) => `harbor.example.com/web/experimental/${a}:${t}`),
  fc.tuple(segment, fc.constantFrom(':latest', '')).map(([a, t]) => `harbor.example.com/web/${a}${t}`),
  fc
    .tuple(fc.constantFrom('..', '.', '', 'UP'), segment, tag)
    .map(([bad, a, t]) => `harbor.example.com/web/${bad}/${a}:${t}`),
  fc.tuple(segment, tag).map(([a, t]) => `${a}:${t}`),
);

const containers = (image: string, slot: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    name: `c${i}`,
    image: i === slot ? image : 'harbor.example.com/web/ok:1',
  }));

describe('fuzzed reviews', () => {
  it('given random JSON, never crashes: an answer with the uid, or a 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (body) => {
        const review = await answer(body, handlers.validate);
        if (review) expect(review.response.uid).toBe((body as { request: { uid: string } }).request.uid);
      }),
      { numRuns: 300 },
    );
  });

  it('given recorded reviews with random fields replaced, never crashes', async () => {
    const paths = fc.constantFrom(
      ['request', 'object'],
      ['request', 'object', 'spec'],
      ['request', 'object', 'spec', 'containers'],
      ['request', 'object', 'metadata'],
      ['request', 'kind'],
      ['request', 'namespace'],
      ['request', 'oldObject'],
      ['request', 'dryRun'],
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIXTURES),
        paths,
        fc.jsonValue(),
        fc.boolean(),
        async (name, path, value, mutate) => {
          const body = loadAdmissionReview(name) as unknown as Record<string, unknown>;
          let node = body;
          for (const key of path.slice(0, -1)) node = (node[key] ?? {}) as Record<string, unknown>;
          node[path[path.length - 1] ?? ''] = value;
          await answer(body, mutate ? handlers.mutate : handlers.validate);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('given a forbidden image anywhere in a web-prod pod or template, never allows it', async () => {
    await fc.assert(
      fc.asyncProperty(
        forbidden,
        fc.constantFrom('initContainers', 'containers', 'ephemeralContainers'),
        fc.nat(2),
        fc.constantFrom('Pod', 'Deployment', 'CronJob'),
        async (image, list, slot, kind) => {
          const spec: Record<string, unknown> = {
            containers: containers('harbor.example.com/web/ok:1', -1, 1),
          };
          spec[list] = containers(image, slot, slot + 1);
          const object =
            kind === 'Pod'
              ? { metadata: { name: 'p', namespace: 'web-prod' }, spec }
              : kind === 'Deployment'
                ? { spec: { template: { spec } } }
                : { spec: { jobTemplate: { spec: { template: { spec } } } } };
          const group = kind === 'Pod' ? '' : kind === 'Deployment' ? 'apps' : 'batch';
          const review = await answer(
            {
              apiVersion: 'admission.k8s.io/v1',
              kind: 'AdmissionReview',
              request: {
                uid: 'u',
                kind: { group, version: 'v1', kind },
                namespace: 'web-prod',
                name: 'p',
                operation: 'CREATE',
                object,
              },
            },
            handlers.validate,
          );
          expect(review?.response.allowed).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
