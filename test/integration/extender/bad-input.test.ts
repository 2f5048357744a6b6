import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadExtenderArgs } from '../../support/fixtures.js';
import { labCluster, testExtender } from './lab-cluster.js';

describe('extender with bad input and an unsynced snapshot', () => {
  const extender = testExtender(labCluster(), { bodyLimitBytes: 64 * 1024 });
  afterAll(() => extender.close());

  const post = (verb: string, payload: string) => extender.post(verb, payload);

  it.each(['filter', 'prioritize', 'preempt', 'bind'])(
    'given malformed JSON to %s, answers 400',
    async (verb) => {
      expect((await post(verb, '{"Pod": ')).statusCode).toBe(400);
    },
  );

  it.each([
    ['no Pod', { NodeNames: ['lab-node-1'] }, 'EXT_ERR_BAD_REQUEST: ExtenderArgs has no Pod object'],
    [
      'neither Nodes nor NodeNames',
      { Pod: { metadata: { name: 'p', namespace: 'lab-demo' } }, Nodes: null, NodeNames: null },
      'neither Nodes nor NodeNames',
    ],
    [
      'a pod with an unreadable quantity',
      {
        Pod: {
          metadata: { name: 'p', namespace: 'lab-demo' },
          spec: { containers: [{ name: 'a', resources: { requests: { cpu: 'lots' } } }] },
        },
        NodeNames: ['lab-node-1'],
      },
      'EXT_ERR_BAD_POD',
    ],
  ])('given a filter body with %s, answers 200 with an Error and no node', async (_what, body, message) => {
    const response = await post('filter', JSON.stringify(body));
    expect(response.statusCode).toBe(200);
    const json = response.json<Record<string, unknown>>();
    expect(json['Error']).toContain(message);
    expect(json['NodeNames']).toBeNull();
    expect(json['Nodes']).toBeNull();
  });

  it('given prioritize arguments without a Pod, answers 400 with the reason', async () => {
    const response = await post('prioritize', JSON.stringify({ NodeNames: ['a'] }));
    expect(response.statusCode).toBe(400);
    expect(response.json<{ message: string }>().message).toContain('no Pod');
  });

  it('given a body over the limit, answers 413', async () => {
    const huge = JSON.stringify({
      Pod: {},
      NodeNames: Array.from({ length: 20_000 }, (_, i) => `node-${i}`),
    });
    expect((await post('filter', huge)).statusCode).toBe(413);
  });

  it('given bind while it is disabled, answers an Error', async () => {
    const response = await post(
      'bind',
      JSON.stringify({ PodName: 'a', PodNamespace: 'b', PodUID: 'u', Node: 'n' }),
    );
    expect(response.json()).toEqual({ Error: expect.stringContaining('EXT_ERR_BIND_DISABLED') as unknown });
  });
});

describe('extender before its snapshot is synced', () => {
  it('answers /readyz 503 and filter an Error, then serves once synced', async () => {
    const extender = testExtender(labCluster(), { syncConditions: ['informer:Pod'] });
    const args = loadExtenderArgs('extender-filter-nodenames-1');
    expect((await extender.app.inject({ url: '/readyz' })).statusCode).toBe(503);
    const early = await extender.app.inject({
      method: 'POST',
      url: '/scheduler/filter',
      payload: args as object,
    });
    expect(early.json<Record<string, unknown>>()['Error']).toContain('EXT_ERR_NOT_SYNCED');
    expect(early.json<Record<string, unknown>>()['NodeNames']).toBeNull();
    extender.sync.set('informer:Pod', true);
    expect((await extender.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const later = await extender.app.inject({
      method: 'POST',
      url: '/scheduler/filter',
      payload: args as object,
    });
    expect(later.json<Record<string, unknown>>()['NodeNames']).toEqual(['lab-node-1', 'lab-node-2']);
    await extender.close();
  });
});

describe('extender metrics and a real listen', () => {
  it('serves the recorded filter on 127.0.0.1:0 and exports per-verb durations and rejections by rule', async () => {
    const extender = testExtender(labCluster());
    await extender.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = extender.app.server.address() as AddressInfo;
    const body = JSON.stringify(loadExtenderArgs('extender-filter-nodes-1'));
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/scheduler/filter',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(
      Object.keys((JSON.parse(answer) as { FailedAndUnresolvableNodes: object }).FailedAndUnresolvableNodes),
    ).toEqual(['lab-gpu-node-3']);
    const metrics = (await extender.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/corral_extender_request_duration_seconds_count\{[^}]*verb="filter"[^}]*\} 1/);
    expect(metrics).toMatch(/corral_extender_rejections_total\{[^}]*rule="gpu-nodes"[^}]*\} 1/);
    await extender.close();
  });
});
