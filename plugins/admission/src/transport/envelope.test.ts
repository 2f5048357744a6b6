import jsonPatch from 'fast-json-patch';
import { listFixtures, loadAdmissionReview } from '../../../../test/support/fixtures.js';
import { fail, pass, warn, type Decision } from '../decide/decision.js';
import { ADM_ERR, AdmissionError } from '../errors.js';
import { parseReview, respond, respondToFailure, type InnerResult } from './envelope.js';
import { clipWarning, MAX_WARNING_LINES, WARNING_CONTINUATION, warningLines } from './warning-lines.js';
import { withAdmission, type InnerHandler } from './with-admission.js';

const FIXTURES = listFixtures('admission-');
const decode = (patch: string) =>
  JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as jsonPatch.Operation[];
const review = (name = 'admission-mutating-pods-create-1') => parseReview(loadAdmissionReview(name));
const answer = (decisions: Decision[], mutated?: unknown): InnerResult =>
  mutated === undefined ? { decisions } : { decisions, mutated };
const options = { deadlineMs: 200, failOpen: () => false };

describe('envelope with the recorded fixtures', () => {
  it('given the recorded folder, finds admission reviews', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(FIXTURES)(
    'given %s and a fake handler that passes, answers well-formed with its uid',
    async (name) => {
      const body = loadAdmissionReview(name);
      const { review: out } = await withAdmission(body, () => answer([pass('fake')]), options);
      expect(out).toEqual({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        response: { uid: body.request.uid, allowed: true },
      });
    },
  );

  it.each(FIXTURES)('given %s and a fake handler that denies, answers 403 with its uid', async (name) => {
    const body = loadAdmissionReview(name);
    const { review: out } = await withAdmission(body, () => answer([fail('fake-rule', 'do X')]), options);
    expect(out.response.uid).toBe(body.request.uid);
    expect(out.response.allowed).toBe(false);
    expect(out.response.status?.code).toBe(403);
    expect(out.response.status?.message).toContain('[fake-rule] do X');
  });
});

describe('respond', () => {
  it('given all passes, allows with no status, warnings or patch', () => {
    expect(respond(review(), answer([pass('a'), pass('b')])).response).toEqual({
      uid: review().request.uid,
      allowed: true,
    });
  });

  it('given one failure among passes, denies and joins every denial in order', () => {
    const out = respond(review(), answer([pass('a'), fail('r1', 'fix one'), fail('r2', 'fix two')]));
    expect(out.response.allowed).toBe(false);
    expect(out.response.status?.message).toMatch(/\[r1\] fix one; \[r2\] fix two$/);
  });

  it('given an invalid policy object, answers 422 Invalid', () => {
    const out = respond(review(), answer([fail('policy-object-valid', 'bad', 422)]));
    expect(out.response.status).toMatchObject({ code: 422, reason: 'Invalid' });
  });

  it('given an error decision, denies', () => {
    const out = respond(review(), answer([{ rule: 'x', outcome: 'error', message: 'boom' }]));
    expect(out.response.allowed).toBe(false);
  });

  it('given duplicate and long warnings, merges them and keeps every line under 120 characters', () => {
    const long = 'w'.repeat(300);
    const out = respond(review(), answer([warn('r', 'same'), warn('r', 'same'), warn('r', long)]));
    expect(out.response.allowed).toBe(true);
    expect(out.response.warnings?.[0]).toBe('[r] same');
    expect(out.response.warnings?.slice(1).join('').replaceAll(WARNING_CONTINUATION, '')).toBe(`[r] ${long}`);
    for (const text of out.response.warnings ?? []) expect(text.length).toBeLessThan(120);
  });

  it('given a long warning, wraps it between words so that its fix is still there', () => {
    const message =
      'containers[0] "web": image "harbor.example.com/web/shop:latest" uses the :latest tag, which can change under ' +
      'a running Deployment; pin a version tag or a digest, e.g. harbor.example.com/web/shop:1.4.2';
    const lines = warningLines(`[image-forbid-latest] ${message}`);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThan(120);
    expect(lines.slice(1).every((line) => line.startsWith(WARNING_CONTINUATION))).toBe(true);
    expect(lines.at(-1)).toMatch(/harbor\.example\.com\/web\/shop:1\.4\.2$/);
    expect(lines.join(' ').replaceAll(` ${WARNING_CONTINUATION}`, ' ')).toBe(
      `[image-forbid-latest] ${message}`,
    );
  });

  it('given a warning longer than four lines, clips the last one', () => {
    const lines = warningLines('word '.repeat(200));
    expect(lines).toHaveLength(MAX_WARNING_LINES);
    expect(lines.at(-1)?.endsWith('…')).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThan(120);
  });

  it('given an audited denial, allows without a warning and records an audit annotation', () => {
    const out = respond(review(), answer([{ rule: 'q', outcome: 'warn', message: 'over', audit: true }]));
    expect(out.response.allowed).toBe(true);
    expect(out.response.warnings).toBeUndefined();
    expect(out.response.auditAnnotations).toEqual({ audit: '[q] over' });
  });

  it('given a mutated copy, returns the base64 JSONPatch that turns the object into it', () => {
    const input = review();
    const mutated = structuredClone(input.request.object) as { metadata: { labels: Record<string, string> } };
    mutated.metadata.labels['corral.dev/department'] = 'finance';
    const out = respond(input, answer([pass('m')], mutated));
    expect(out.response.patchType).toBe('JSONPatch');
    const patched = jsonPatch.applyPatch(
      structuredClone(input.request.object),
      decode(out.response.patch ?? ''),
    );
    expect(patched.newDocument).toEqual(mutated);
  });

  it.each([
    ['non-ASCII text', 'équipe-财务-🚀'],
    ['a patch too long for the scratch buffer', 'x'.repeat(40_000)],
  ])('given %s in the mutation, encodes the patch as UTF-8 base64 that applies', (_what, value) => {
    const input = review();
    const mutated = structuredClone(input.request.object) as { metadata: { annotations?: object } };
    mutated.metadata.annotations = { note: value };
    for (let round = 0; round < 2; round++) {
      const out = respond(input, answer([pass('m')], mutated));
      const patched = jsonPatch.applyPatch(
        structuredClone(input.request.object),
        decode(out.response.patch ?? ''),
      );
      expect(patched.newDocument).toEqual(mutated);
    }
  });

  it('given a mutated copy equal to the object, omits the patch', () => {
    const input = review();
    const out = respond(input, answer([pass('m')], structuredClone(input.request.object)));
    expect(out.response).not.toHaveProperty('patch');
    expect(out.response).not.toHaveProperty('patchType');
  });

  it('given a denial and a mutation, denies and sends no patch', () => {
    const input = review();
    const out = respond(input, answer([fail('r', 'no')], { changed: true }));
    expect(out.response.patch).toBeUndefined();
  });

  it('given a v1beta1 review, answers v1beta1', () => {
    const body = {
      ...loadAdmissionReview('admission-mutating-pods-create-1'),
      apiVersion: 'admission.k8s.io/v1beta1',
    };
    expect(respond(parseReview(body), answer([])).apiVersion).toBe('admission.k8s.io/v1beta1');
  });
});

describe('parseReview', () => {
  const good = loadAdmissionReview('admission-mutating-pods-create-1');
  const cases: [string, unknown, RegExp][] = [
    ['null', null, /not a JSON object/],
    ['an array', [], /not a JSON object/],
    ['another kind', { ...good, kind: 'Pod' }, /kind must be AdmissionReview/],
    ['an unknown version', { ...good, apiVersion: 'admission.k8s.io/v2' }, /apiVersion/],
    ['no request', { ...good, request: undefined }, /request is missing/],
    ['no uid', { ...good, request: { ...good.request, uid: '' } }, /request.uid is missing/],
    [
      'a numeric uid',
      { ...good, request: { ...good.request, uid: 42 } },
      /request.uid must be a string \(the API server's request id\), not a number/,
    ],
    ['no kind', { ...good, request: { ...good.request, kind: 'Pod' } }, /request.kind/],
    ['a bad operation', { ...good, request: { ...good.request, operation: 'PATCH' } }, /operation/],
    [
      'a numeric namespace',
      { ...good, request: { ...good.request, namespace: 7 } },
      /request.namespace must be a string/,
    ],
    [
      'an array object',
      { ...good, request: { ...good.request, object: [] } },
      /request.object must be an object/,
    ],
  ];
  it.each(cases)('given %s, throws ADM_ERR_BAD_REVIEW naming the problem', (_what, body, message) => {
    expect(() => parseReview(body)).toThrow(message);
    try {
      parseReview(body);
    } catch (err) {
      expect(err).toBeInstanceOf(AdmissionError);
      expect((err as AdmissionError).code).toBe(ADM_ERR.BAD_REVIEW);
    }
  });
});

describe('withAdmission failures', () => {
  const body = loadAdmissionReview('admission-validating-pods-create-1');
  const throwing: InnerHandler = () => {
    throw new Error('rule bug');
  };
  const hanging: InnerHandler = () => new Promise(() => undefined);

  it('given a throwing rule in enforce mode, denies with 500', async () => {
    const out = await withAdmission(body, throwing, options);
    expect(out.review.response).toMatchObject({
      uid: body.request.uid,
      allowed: false,
      status: { code: 500 },
    });
    expect(out.failure?.code).toBe(ADM_ERR.INTERNAL);
  });

  it("given a rule failing with Corral's own error, passes its message to the tenant; a bug's stays internal", async () => {
    const busy: InnerHandler = () => {
      throw new AdmissionError(
        ADM_ERR.INTERNAL,
        'too many quota reservations in flight for department-web; retry',
      );
    };
    const out = await withAdmission(body, busy, options);
    expect(out.review.response.status?.message).toMatch(/too many quota reservations in flight.*retry/);
    const bug = await withAdmission(body, throwing, options);
    expect(bug.review.response.status?.message).toMatch(/\(internal error\)/);
    expect(bug.review.response.status?.message).not.toMatch(/rule bug/);
  });

  it('given a throwing rule in warn/audit mode, allows with a warning', async () => {
    const out = await withAdmission(body, throwing, { ...options, failOpen: () => true });
    expect(out.review.response.allowed).toBe(true);
    expect(out.review.response.warnings?.[0]).toMatch(/could not check/);
  });

  it('given a rule that hangs, answers at the deadline', async () => {
    const started = Date.now();
    const out = await withAdmission(body, hanging, { ...options, deadlineMs: 50 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(out.failure?.code).toBe(ADM_ERR.DEADLINE);
    expect(out.review.response.status?.code).toBe(500);
  });

  it('given a failOpen that throws, fails closed', async () => {
    const out = await withAdmission(body, throwing, {
      ...options,
      failOpen: () => {
        throw new Error('no snapshot');
      },
    });
    expect(out.review.response.allowed).toBe(false);
  });

  it('given an unparseable body, throws before calling the rules', async () => {
    const inner = vi.fn(throwing);
    await expect(withAdmission({ nope: 1 }, inner, options)).rejects.toThrow(AdmissionError);
    expect(inner).not.toHaveBeenCalled();
  });
});

describe('clipWarning / respondToFailure', () => {
  it('given a short text, returns it unchanged', () => {
    expect(clipWarning('short')).toBe('short');
  });
  it('given fail-closed, answers 500 with the uid', () => {
    expect(respondToFailure(review(), false, 'x').response).toMatchObject({
      allowed: false,
      status: { code: 500 },
    });
  });
});
