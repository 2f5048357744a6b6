import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rawNode, rawPod } from '@corral/cluster';
import { smallCluster } from '../../../plugins/scheduler-extender/src/testing/small-cluster.js';
import { podBinder } from '../../../plugins/scheduler-extender/src/index.js';
import { loadExtenderBindingArgs } from '../../support/fixtures.js';
import {
  fakeKubeConfig,
  startFakeApiServer,
  type FakeApiServer,
  type KubeObject,
} from '../fake-apiserver/index.js';
import { labCluster, testExtender, type TestExtender } from './lab-cluster.js';

const BINDING_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/binding$/;

/**
 * kube-apiserver's pods/binding: 201 and the pod bound, or 409 when it is already bound. A pod named
 * in `lostAnswers` is bound, then its answer lost (the connection reset before the 201 is sent).
 */
function bindingHandler(
  pods: Map<string, KubeObject>,
  api: () => FakeApiServer,
  seen: unknown[],
  lostAnswers: ReadonlySet<string> = new Set(),
) {
  return (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    const match = BINDING_PATH.exec(url.pathname);
    if (req.method !== 'POST' || !match) return false;
    if (match[2] === 'hang') return true; // an API server that never answers
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const binding = JSON.parse(text) as { target: { name: string } };
      seen.push(binding);
      const key = `${match[1]}/${match[2]}`;
      const pod = pods.get(key) as (KubeObject & { spec: { nodeName?: string } }) | undefined;
      const reply = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (!pod)
        return reply(404, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          code: 404,
          reason: 'NotFound',
          message: `pods "${match[2]}" not found`,
        });
      if (pod.spec.nodeName) {
        return reply(409, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          code: 409,
          reason: 'Conflict',
          message: `pod ${match[2]} is already assigned to node "${pod.spec.nodeName}"`,
        });
      }
      pod.spec.nodeName = binding.target.name;
      api().upsert(pod);
      if (lostAnswers.has(match[2] ?? '')) return req.socket.destroy();
      return reply(201, binding);
    });
    return true;
  };
}

describe('bind through the API (fake kube-apiserver)', () => {
  let api: FakeApiServer;
  let extender: TestExtender;
  const pods = new Map<string, KubeObject>();
  const seen: unknown[] = [];
  const args = loadExtenderBindingArgs('extender-bind-1');

  beforeAll(async () => {
    api = await startFakeApiServer({ extra: bindingHandler(pods, () => api, seen) });
    const pod = rawPod(args.PodNamespace, args.PodName, { phase: 'Pending', uid: args.PodUID }) as KubeObject;
    pods.set(`${args.PodNamespace}/${args.PodName}`, api.upsert(pod));
    const other = rawPod('lab-demo', 'elsewhere', { nodeName: 'lab-node-1' }) as KubeObject;
    pods.set('lab-demo/elsewhere', api.upsert(other));
    // Recreated under its old name and bound to lab-node-2 (a StatefulSet pod pinned by a local volume).
    const recreated = rawPod('lab-demo', 'db-0', { nodeName: 'lab-node-2', uid: 'new-uid' }) as KubeObject;
    pods.set('lab-demo/db-0', api.upsert(recreated));
    extender = testExtender(labCluster(), { binder: podBinder(fakeKubeConfig(api.url, 'secret-token-123')) });
  });
  afterAll(async () => {
    await extender.close();
    await api.close();
  });

  const bind = async (body: unknown) =>
    (await extender.app.inject({ method: 'POST', url: '/scheduler/bind', payload: body as object })).json<{
      Error: string;
    }>();

  it('given the recorded bind body, creates pods/binding with a v1 Binding to the node', async () => {
    expect(await bind(args)).toEqual({ Error: '' });
    expect(seen[0]).toMatchObject({
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: args.PodName, namespace: args.PodNamespace, uid: args.PodUID },
      target: { kind: 'Node', name: 'lab-gpu-node-3' },
    });
  });

  it('given the same bind again (a retry), answers success: already bound to that node', async () => {
    expect(await bind(args)).toEqual({ Error: '' });
  });

  it('given a pod already bound to another node, answers EXT_ERR_BIND_CONFLICT', async () => {
    const answer = await bind({
      PodName: 'elsewhere',
      PodNamespace: 'lab-demo',
      PodUID: '',
      Node: 'lab-node-2',
    });
    expect(answer.Error).toContain('EXT_ERR_BIND_CONFLICT');
    expect(answer.Error).toContain('already bound to node lab-node-1');
  });

  it('given the bind of a pod deleted and recreated under its name on that node, answers a conflict, not success', async () => {
    const answer = await bind({
      PodName: 'db-0',
      PodNamespace: 'lab-demo',
      PodUID: 'old-uid',
      Node: 'lab-node-2',
    });
    expect(answer.Error).toContain('EXT_ERR_BIND_CONFLICT');
    expect(answer.Error).toContain('now has uid new-uid');
  });

  it('given an API server that never answers, gives the binding up after its timeout', async () => {
    const binder = podBinder(fakeKubeConfig(api.url, 't'), { timeoutMs: 200 });
    const started = Date.now();
    await expect(
      binder.bind({ podName: 'hang', podNamespace: 'lab-demo', podUid: '', node: 'lab-node-2' }),
    ).rejects.toMatchObject({ code: 'EXT_ERR_BIND_FAILED' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('given a 409 and a read-back that never answers, fails without "outcome unknown" (nothing was bound)', async () => {
    const server = createServer((req, res) => {
      if (req.method !== 'POST') return; // the read-back hangs
      res.writeHead(409, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          code: 409,
          reason: 'Conflict',
        }),
      );
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const binder = podBinder(fakeKubeConfig(`http://127.0.0.1:${port}`, 't'), { timeoutMs: 300 });
      const failure = await binder
        .bind({ podName: 'p', podNamespace: 'lab-demo', podUid: 'u', node: 'lab-node-2' })
        .then(
          () => undefined,
          (error: unknown) => error as { code: string; details?: Record<string, unknown> },
        );
      expect(failure?.code).toBe('EXT_ERR_BIND_FAILED');
      expect(failure?.details?.['outcomeUnknown']).toBeUndefined();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('given a pod the API does not know, answers EXT_ERR_BIND_FAILED and never logs the token', async () => {
    const answer = await bind({ PodName: 'ghost', PodNamespace: 'lab-demo', PodUID: '', Node: 'lab-node-2' });
    expect(answer.Error).toContain('EXT_ERR_BIND_FAILED');
    expect(answer.Error).toContain('HTTP 404');
    expect(extender.logs.text()).not.toContain('secret-token-123');
  });
});

describe('bind through the API: what the extender keeps assumed after a failed binding call', () => {
  let api: FakeApiServer;
  let extender: TestExtender;
  const pods = new Map<string, KubeObject>();

  beforeAll(async () => {
    api = await startFakeApiServer({
      extra: bindingHandler(pods, () => api, [], new Set(['lost-answer'])),
    });
    for (const name of ['lost-answer', 'web-1']) {
      const pod = rawPod('web-ns', name, { phase: 'Pending', uid: `u-${name}` }) as KubeObject;
      pods.set(`web-ns/${name}`, api.upsert(pod));
    }
    // The snapshot is not fed by this API server: its watch never catches up (a lagging watch).
    const store = smallCluster();
    store.upsert('Node', rawNode('shared-3'), 'test');
    extender = testExtender(store, { binder: podBinder(fakeKubeConfig(api.url, 't')) });
  });
  afterAll(async () => {
    await extender.close();
    await api.close();
  });

  const post = async (verb: string, body: unknown) =>
    (await extender.post(verb, body)).json<Record<string, unknown>>();
  const bind = (name: string, node: string) =>
    post('bind', { PodName: name, PodNamespace: 'web-ns', PodUID: `u-${name}`, Node: node });
  /** A res pod's filter on the node: refused while a web pod is known (or assumed) there. */
  const resFilter = async (node: string) =>
    (
      await post('filter', {
        Pod: rawPod('res-ns', 'r1', { phase: 'Pending', uid: 'u-r1' }),
        NodeNames: [node],
      })
    )['FailedAndUnresolvableNodes'];

  it('given a binding whose answer is lost (connection reset), keeps the pod assumed on the node', async () => {
    await post('filter', { Pod: pods.get('web-ns/lost-answer'), NodeNames: ['shared-1'] });
    const answer = await bind('lost-answer', 'shared-1');
    expect(answer['Error']).toBe(
      'EXT_ERR_BIND_FAILED: binding pod web-ns/lost-answer to node shared-1 lost its connection ' +
        '(ECONNRESET): the binding may exist',
    );
    expect(pods.get('web-ns/lost-answer')).toMatchObject({ spec: { nodeName: 'shared-1' } });
    expect(await resFilter('shared-1')).toEqual({
      'shared-1': expect.stringContaining('node runs pods of department web'),
    });
  });

  it('given a bind to another node of a pod the API already bound, assumes it where it is bound', async () => {
    await post('filter', { Pod: pods.get('web-ns/web-1'), NodeNames: ['shared-1', 'shared-3'] });
    expect(await bind('web-1', 'shared-3')).toEqual({ Error: '' });
    // A second bind of the same pod to another node (kube-scheduler had given up on the first).
    const again = await bind('web-1', 'shared-1');
    expect(again['Error']).toMatch(/^EXT_ERR_BIND_CONFLICT: .*already bound to node shared-3/);
    expect(await resFilter('shared-3')).toEqual({
      'shared-3': expect.stringContaining('node runs pods of department web'),
    });
  });
});
