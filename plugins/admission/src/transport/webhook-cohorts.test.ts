import { connect, type Socket } from 'node:net';
import { fastify, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { loadAdmissionReview } from '../../../../test/support/fixtures.js';
import { createAdmissionMetrics } from './admission-metrics.js';
import { webhookRoutes } from './webhook-routes.js';
import type { InnerHandler } from './with-admission.js';

const payload = loadAdmissionReview('admission-validating-pods-create-1');
const withUid = (uid: string) => ({ ...payload, request: { ...payload.request, uid } });

/** The webhook routes with rules that allow and record, in order, each rule run and each answer sent. */
async function recordingApp(cohorts: boolean | undefined) {
  const events: string[] = [];
  const registry = new Registry();
  const app = fastify();
  app.addHook('onSend', (request, _reply, payload, done) => {
    events.push(`sent ${(request.body as { request?: { uid?: string } }).request?.uid ?? '-'}`);
    done(null, payload);
  });
  const allow: InnerHandler = (request) => {
    events.push(`rules ${request.uid}`);
    return { decisions: [] };
  };
  await app.register(webhookRoutes, {
    mutate: allow,
    validate: allow,
    failOpen: () => false,
    deadlineMs: 1000,
    metrics: createAdmissionMetrics(registry),
    logger: pino({ level: 'silent' }),
    ...(cohorts === undefined ? {} : { cohorts }),
  });
  return { app, events, registry };
}

/** Opens one connection per body, then sends every request in one go; returns each status and JSON answer. */
async function sendTogether(app: FastifyInstance, path: string, bodies: readonly unknown[]) {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  let accepted = 0;
  const allAccepted = new Promise<void>((resolve) =>
    app.server.on('connection', () => {
      accepted += 1;
      if (accepted === bodies.length) resolve();
    }),
  );
  const sockets = await Promise.all(
    bodies.map(
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => resolve(socket));
          socket.on('error', reject);
        }),
    ),
  );
  const replies = sockets.map(
    (socket) =>
      new Promise<{
        status: number;
        body: { response?: { uid: string; allowed: boolean }; message?: string };
      }>((resolve) => {
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (text += chunk));
        socket.on('end', () => {
          const [head = '', json = ''] = text.split('\r\n\r\n');
          resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(json) });
        });
      }),
  );
  await allAccepted;
  // Written in one turn to connections the server reads: it reads them all in its next poll phase.
  bodies.forEach((body, i) => {
    const json = JSON.stringify(body);
    sockets[i]!.end(
      `POST ${path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
    );
  });
  return Promise.all(replies);
}

describe('webhook routes run the reviews read together as one cohort', () => {
  const uids = Array.from({ length: 12 }, (_, i) => `uid-${i}`);

  it('given reviews arriving together, runs every review before answering any, each answered with its own uid', async () => {
    const { app, events, registry } = await recordingApp(undefined);
    const replies = await sendTogether(app, '/validate', uids.map(withUid));
    expect(replies.map((r) => [r.status, r.body.response?.uid])).toEqual(uids.map((uid) => [200, uid]));
    expect(events).toEqual([...uids.map((uid) => `rules ${uid}`), ...uids.map((uid) => `sent ${uid}`)]);
    const text = await registry.metrics();
    expect(text).toContain('corral_admission_cohort_reviews_bucket{le="8",webhook="validate"} 0');
    expect(text).toContain('corral_admission_cohort_reviews_bucket{le="16",webhook="validate"} 1');
    expect(text).toContain('corral_admission_cohort_reviews_sum{webhook="validate"} 12');
    expect(text).toContain('corral_admission_cohort_reviews_count{webhook="validate"} 1');
    await app.close();
  });

  it('given `cohorts: false`, runs and answers each review in turn', async () => {
    const { app, events, registry } = await recordingApp(false);
    const replies = await sendTogether(app, '/mutate', uids.map(withUid));
    expect(replies.map((r) => [r.status, r.body.response?.uid])).toEqual(uids.map((uid) => [200, uid]));
    expect(events).toEqual(uids.flatMap((uid) => [`rules ${uid}`, `sent ${uid}`]));
    expect(await registry.metrics()).not.toContain('corral_admission_cohort_reviews_count');
    await app.close();
  });

  it('given reviews pipelined on one connection in one write, runs them all as one cohort, answering each in order', async () => {
    const { app, events } = await recordingApp(undefined);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const socket = await new Promise<Socket>((resolve, reject) => {
      const opened = connect(port, '127.0.0.1', () => resolve(opened));
      opened.on('error', reject);
    });
    let text = '';
    socket.setEncoding('utf8');
    const answered = new Promise<string[]>((resolve) =>
      socket.on('data', (chunk: string) => {
        text += chunk;
        const seen = [...text.matchAll(/"uid":"([^"]+)"/g)].map((match) => match[1]!);
        if (seen.length === uids.length) resolve(seen);
      }),
    );
    socket.write(
      uids
        .map((uid) => {
          const json = JSON.stringify(withUid(uid));
          return (
            'POST /validate HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
            `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`
          );
        })
        .join(''),
    );
    expect(await answered).toEqual(uids);
    // One connection, twelve reviews in the cohort at once: not one per connection.
    expect(events).toEqual([...uids.map((uid) => `rules ${uid}`), ...uids.map((uid) => `sent ${uid}`)]);
    socket.destroy();
    await app.close();
  });

  it('given unparseable reviews among them, answers them 400 and the others as usual', async () => {
    const { app, events } = await recordingApp(undefined);
    const replies = await sendTogether(app, '/validate', [
      withUid('before'),
      { apiVersion: 'admission.k8s.io/v1' },
      { ...payload, request: { ...payload.request, uid: 42 } },
      withUid('after'),
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 400, 400, 200]);
    expect(replies[0]!.body.response).toMatchObject({ uid: 'before', allowed: true });
    expect(replies[1]!.body.message).toMatch(/body must have required property 'kind'/);
    expect(replies[2]!.body.message).toMatch(/not an AdmissionReview: request.uid/);
    expect(replies[3]!.body.response).toMatchObject({ uid: 'after', allowed: true });
    // The route's schema refuses the first as it is read, before it could join the cohort; the
    // envelope refuses the second in the cohort, which runs on.
    expect(events).toEqual(['sent -', 'rules before', 'rules after', 'sent before', 'sent 42', 'sent after']);
    await app.close();
  });
});
