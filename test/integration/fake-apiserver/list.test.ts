import { type FakeApiServer, startFakeApiServer } from './index.js';

/** The fake's LIST speaks kube-apiserver's paging protocol, so informer tests do not pass against a kinder one. */

const PODS = '/api/v1/pods';

let server: FakeApiServer;

beforeEach(async () => {
  server = await startFakeApiServer();
  for (const name of ['p3', 'p1', 'p5', 'p2', 'p4']) {
    server.upsert({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'team-a' } });
  }
});

afterEach(async () => {
  await server.close();
});

/** A PodList or a Status, as far as these tests read them. */
interface Body {
  readonly items: readonly { readonly metadata: { readonly name: string } }[];
  readonly metadata: { readonly resourceVersion?: string; readonly continue?: string };
  readonly message?: string;
}

async function get(query: string): Promise<{ status: number; headers: Headers; body: Body }> {
  const response = await fetch(`${server.url}${PODS}?${query}`);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
}

const token = (body: Body) => encodeURIComponent(body.metadata.continue ?? '');
const names = (body: Body) => body.items.map((i) => i.metadata.name);

describe('fake API server LIST', () => {
  it('given limit, serves pages in key order at the first page resourceVersion, never skipping an object', async () => {
    const first = await get('limit=2');
    expect(names(first.body)).toEqual(['p1', 'p2']);
    expect(first.body.metadata).toMatchObject({
      resourceVersion: server.resourceVersion(),
      remainingItemCount: 3,
    });
    const rv = first.body.metadata.resourceVersion;

    server.remove({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'team-a' } });
    const second = await get(`limit=2&continue=${token(first.body)}`);
    expect(names(second.body)).toEqual(['p3', 'p4']);
    expect(second.body.metadata.resourceVersion).toBe(rv);
    const third = await get(`limit=2&continue=${token(second.body)}`);
    expect(names(third.body)).toEqual(['p5']);
    expect(third.body.metadata.continue).toBeUndefined();
  });

  it('given a continue token older than the compacted revision, answers 410 Expired with a fresh token', async () => {
    const first = await get('limit=2');
    server.upsert({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p6', namespace: 'team-a' } });
    server.expireHistory();
    const expired = await get(`limit=2&continue=${token(first.body)}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(expired.body.message).toContain('continue parameter is too old');
    const rest = await get(`limit=10&continue=${token(expired.body)}`);
    expect(names(rest.body)).toEqual(['p3', 'p4', 'p5', 'p6']);
  });

  it('given continue with a resourceVersion, refuses it as kube-apiserver does', async () => {
    const first = await get('limit=2');
    const bad = await get(`limit=2&resourceVersion=5&continue=${token(first.body)}`);
    expect(bad.status).toBe(400);
    expect((await get('limit=2&continue=not-a-token')).status).toBe(400);
  });

  it('given an injected 429, answers TooManyRequests with Retry-After', async () => {
    server.failNext(1, { path: PODS, code: 429, retryAfterSeconds: 3 });
    const throttled = await get('limit=2');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect(throttled.body).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
  });

  it('given a failure for continued pages only, lets the first page through', async () => {
    server.failNext(1, { path: PODS, continue: true, code: 503 });
    const first = await get('limit=2');
    expect(first.status).toBe(200);
    const failed = await get(`limit=2&continue=${token(first.body)}`);
    expect(failed.status).toBe(503);
  });
});
