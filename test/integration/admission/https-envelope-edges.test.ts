import { Agent, request } from 'node:https';
import jsonPatch from 'fast-json-patch';
import { snapshotFromFiles } from '../../../plugins/admission/src/testing/example-snapshot.js';
import { podReview, startHttpsWebhook, type HttpsWebhook } from './support.js';

/** The envelope's edges over real HTTPS: body sizes, chunked bodies, odd reviews, and a mutation. */
const MIB3 = 3 * 1024 * 1024;

/** POSTs `chunks` one write each: without a content-length, Node sends them chunked. */
function postChunks(
  url: string,
  path: string,
  chunks: readonly string[],
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: 'POST',
        agent: new Agent({ rejectUnauthorized: false }),
        headers,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const review = () =>
  podReview('web-prod', 'p', { containers: [{ name: 'a', image: 'harbor.example.com/web/shop:1' }] });

/** The review as JSON text of exactly `bytes` bytes (white space before the last brace). */
function sized(bytes: number): string {
  const text = JSON.stringify(review());
  return `${text.slice(0, -1)}${' '.repeat(bytes - Buffer.byteLength(text))}}`;
}

const inPieces = (text: string, size = 64 * 1024) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

describe('the admission envelope over real HTTPS, at its edges', () => {
  let hook: HttpsWebhook;
  beforeAll(async () => {
    hook = await startHttpsWebhook(await snapshotFromFiles());
  });
  afterAll(async () => hook.close());

  it('given a body of exactly 3 MiB, answers the review; 3 MiB + 1, answers 413', async () => {
    expect((await hook.postRaw('/validate', sized(MIB3))).body.response.uid).toBe('uid-web-prod-p');
    const over = await hook.postRaw('/validate', sized(MIB3 + 1));
    expect(over.status).toBe(413);
    expect(over.body.code).toBe('ADM_ERR_TOO_LARGE');
  });

  it('given chunked bodies without a content-length, answers 413 only above 3 MiB', async () => {
    expect((await postChunks(hook.url, '/validate', inPieces(sized(MIB3)))).status).toBe(200);
    const over = await postChunks(hook.url, '/validate', inPieces(sized(MIB3 + 1024)));
    expect(over.status).toBe(413);
    expect((await hook.get('/healthz')).status).toBe(200);
  });

  it('given a body that is not JSON, answers 415 or 400 with a message, never a review', async () => {
    const text = JSON.stringify(review());
    const yaml = await postChunks(hook.url, '/validate', [text], { 'content-type': 'application/yaml' });
    expect(yaml.status).toBe(415);
    const plain = await postChunks(hook.url, '/validate', [text], { 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    expect(JSON.parse(plain.text)).toMatchObject({ code: 'ADM_ERR_BAD_REVIEW' });
  });

  it('given nesting a million levels deep, answers and keeps serving', async () => {
    const depth = 1_000_000;
    const text = JSON.stringify(review());
    const deep = `${text.slice(0, -2)},"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const res = await hook.postRaw('/validate', deep);
    expect(res.status).toBe(200);
    expect(res.body.response.uid).toBe('uid-web-prod-p');
    expect((await hook.get('/healthz')).status).toBe(200);
  });

  it('given a v1beta1 review, answers in v1beta1', async () => {
    const res = await hook.post('/mutate', { ...review(), apiVersion: 'admission.k8s.io/v1beta1' });
    expect(res.body.apiVersion).toBe('admission.k8s.io/v1beta1');
    expect(res.body.response.uid).toBe('uid-web-prod-p');
  });

  it('given a DELETE with object null and options, allows it', async () => {
    const body = review();
    const res = await hook.post('/validate', {
      ...body,
      request: {
        ...body.request,
        operation: 'DELETE',
        oldObject: body.request.object,
        object: null,
        options: { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions' },
      },
    });
    expect(res.body.response).toEqual({ uid: 'uid-web-prod-p', allowed: true });
  });

  it('given a uid that is not a string, answers 400 saying so', async () => {
    const body = review();
    const res = await hook.post('/validate', { ...body, request: { ...body.request, uid: 42 } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/request.uid must be a string .*, not a number/);
  });

  it('given a pod with an empty node selector term beside its own, the patch keeps the empty term empty', async () => {
    const zone = { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] };
    const body = podReview('finance-prod', 'e', {
      containers: [{ name: 'a', image: 'x' }],
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}, zone] } },
      },
    });
    const res = await hook.post('/mutate', body);
    const patch = JSON.parse(
      Buffer.from(res.body.response.patch, 'base64').toString('utf8'),
    ) as jsonPatch.Operation[];
    const pod = jsonPatch.applyPatch(structuredClone(body.request.object), patch, true)
      .newDocument as unknown as {
      spec: {
        affinity: {
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: unknown[] } };
        };
      };
    };
    const terms =
      pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms[0]).toEqual({});
    expect(terms.slice(1)).toEqual([
      {
        matchExpressions: [
          ...zone.matchExpressions,
          { key: 'corral.dev/department', operator: 'In', values: ['finance'] },
          { key: 'corral.dev/role', operator: 'NotIn', values: ['gpu', 'gateway'] },
        ],
      },
    ]);
  });
});
