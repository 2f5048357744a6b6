import { fastify } from 'fastify';
import { loadAdmissionReview } from '../../../../test/support/fixtures.js';
import { pass, warn } from '../decide/decision.js';
import { ADM_ERR, AdmissionError } from '../errors.js';
import { answerReview, withAdmission, type InnerHandler } from './with-admission.js';

const body = loadAdmissionReview('admission-validating-pods-create-1');
const options = { deadlineMs: 200, failOpen: () => false };
const sync: InnerHandler = () => ({ decisions: [pass('fake'), warn('other', 'mind this')] });
const later: InnerHandler = async () => ({ decisions: [pass('fake'), warn('other', 'mind this')] });

describe('answerReview', () => {
  it('given synchronous rules, answers at once (no promise), as withAdmission answers', async () => {
    const out = answerReview(body, sync, options);
    expect(out).not.toBeInstanceOf(Promise);
    expect(out).toEqual(await withAdmission(body, sync, options));
  });

  it('given rules that answer with a promise, answers with a promise of the same answer', async () => {
    const out = answerReview(body, later, options);
    expect(out).toBeInstanceOf(Promise);
    expect(await out).toEqual(answerReview(body, sync, options));
  });

  it('given synchronous rules that throw, answers at once by the failure policy', () => {
    const out = answerReview(
      body,
      () => {
        throw new Error('rule bug');
      },
      options,
    );
    expect(out).not.toBeInstanceOf(Promise);
    expect(out).toMatchObject({
      failure: { code: ADM_ERR.INTERNAL },
      review: { response: { allowed: false } },
    });
  });

  it('given an unparseable body, throws at once; withAdmission rejects instead', async () => {
    expect(() => answerReview({ nope: 1 }, sync, options)).toThrow(AdmissionError);
    await expect(withAdmission({ nope: 1 }, sync, options)).rejects.toThrow(AdmissionError);
  });

  it('given a fastify route returning it, sends the answer and maps the throw through the error handler', async () => {
    const app = fastify();
    app.setErrorHandler((err, _request, reply) => reply.code(400).send({ refused: (err as Error).message }));
    app.post(
      '/validate',
      (request) => (answerReview(request.body, sync, options) as { review: unknown }).review,
    );
    const good = await app.inject({ method: 'POST', url: '/validate', payload: body });
    expect(good.statusCode).toBe(200);
    expect(good.json().response).toMatchObject({ uid: body.request.uid, allowed: true });
    const bad = await app.inject({ method: 'POST', url: '/validate', payload: { nope: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().refused).toMatch(/not an AdmissionReview/);
    await app.close();
  });
});

describe('answerReview deadline', () => {
  it('given the time the request arrived, counts the deadline from then, not from when the rules start', async () => {
    // A review that waited 150 ms (e.g. for its cohort) of its 200 ms has 50 ms left.
    const hanging: InnerHandler = () => new Promise(() => undefined);
    const started = Date.now();
    const answer = await answerReview(body, hanging, options, undefined, started - 150);
    const took = Date.now() - started;
    expect(answer.failure?.code).toBe(ADM_ERR.DEADLINE);
    expect(took).toBeGreaterThanOrEqual(40);
    expect(took).toBeLessThan(140);
  });
});
