import type { IncomingMessage, ServerResponse } from 'node:http';
import { rawNode, rawPod } from '@corral/cluster';
import { smallCluster } from '../../../plugins/scheduler-extender/src/testing/small-cluster.js';
import { podBinder } from '../../../plugins/scheduler-extender/src/index.js';
import { delay } from '../../support/wait-for.js';
import {
  fakeKubeConfig,
  startFakeApiServer,
  type FakeApiServer,
  type KubeObject,
} from '../fake-apiserver/index.js';
import { testExtender, type TestExtender } from './lab-cluster.js';

const BINDING_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/binding$/;
/** The binding call's deadline here (4 s in production). */
const BIND_TIMEOUT_MS = 300;
const ASSUME_TTL_MS = 30_000;

/**
 * A failing pods/binding, by pod name: `bound-then-500` binds the pod, then answers 500 (a storage
 * write that timed out but committed); `unbound-500` answers 500 and binds nothing; `hang` never
 * answers nor binds; `late-bind` never answers but binds the pod just after the extender gave the
 * call up (kube-apiserver still writing). The pod's GET answers the truth (the fake's own route).
 */
function failingBinding(pods: Pods) {
  return (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    const match = BINDING_PATH.exec(url.pathname);
    if (req.method !== 'POST' || !match) return false;
    const [, namespace = '', name = ''] = match;
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const binding = JSON.parse(text) as { target: { name: string } };
      const bindPod = () => {
        const pod = pods.get(namespace, name);
        if (pod) pods.put({ ...pod, spec: { ...pod.spec, nodeName: binding.target.name } });
      };
      if (name.startsWith('bound-then-500')) bindPod();
      if (name.startsWith('late-bind')) setTimeout(bindPod, BIND_TIMEOUT_MS + 150);
      if (name.startsWith('hang') || name.startsWith('late-bind')) return;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          code: 500,
          message: 'etcdserver: request timed out',
        }),
      );
    });
    return true;
  };
}

type PodObject = KubeObject & { spec: Record<string, unknown> };

/** The pods as the fake API server stores them (its GET serves the same). */
class Pods {
  private readonly byKey = new Map<string, PodObject>();
  api: FakeApiServer | undefined;

  put(pod: KubeObject): PodObject {
    const stored = this.api?.upsert(pod) as PodObject;
    this.byKey.set(`${stored.metadata.namespace ?? ''}/${stored.metadata.name}`, stored);
    return stored;
  }

  get(namespace: string, name: string): PodObject | undefined {
    return this.byKey.get(`${namespace}/${name}`);
  }
}

describe('bind through the API: a binding call of unknown outcome is settled by reading the pod back', () => {
  let api: FakeApiServer;
  let extender: TestExtender;

  const pods = new Pods();

  beforeAll(async () => {
    api = await startFakeApiServer({ extra: failingBinding(pods) });
    pods.api = api;
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(() => {
    // The snapshot is not fed by this API server: its watch never confirms a binding (a lagging
    // watch), so only the read-back or the assumption's 30 s expiry can end an assumption.
    const store = smallCluster();
    store.upsert('Node', rawNode('shared-3'), 'test');
    extender = testExtender(store, {
      assumeTtlMs: ASSUME_TTL_MS,
      binder: podBinder(fakeKubeConfig(api.url, 't'), { timeoutMs: BIND_TIMEOUT_MS }),
    });
  });
  afterEach(async () => {
    await extender.close();
  });

  const post = async (verb: string, body: unknown) =>
    (await extender.post(verb, body)).json<Record<string, unknown>>();
  const podPath = (name: string) => `/api/v1/namespaces/web-ns/pods/${name}`;
  /** Creates the pending web pod in the API, filters it onto shared-1 and binds it there. */
  const bindToShared1 = async (name: string) => {
    const pod = pods.put(rawPod('web-ns', name, { phase: 'Pending', uid: `u-${name}` }) as KubeObject);
    await post('filter', { Pod: pod, NodeNames: ['shared-1'] });
    const started = Date.now();
    const answer = await post('bind', {
      PodName: name,
      PodNamespace: 'web-ns',
      PodUID: `u-${name}`,
      Node: 'shared-1',
    });
    expect(answer['Error']).toMatch(/^EXT_ERR_BIND_FAILED: binding pod web-ns\/.* the binding may exist$/);
    return started;
  };
  /** A res pod's filter on shared-1: true when accepted (no web pod known or assumed there). */
  const resFits = async () => {
    const answer = await post('filter', {
      Pod: rawPod('res-ns', 'r1', { phase: 'Pending', uid: 'u-r1' }),
      NodeNames: ['shared-1'],
    });
    return (answer['NodeNames'] as string[]).includes('shared-1');
  };
  /** Resolves once a res pod is accepted on shared-1; the time it took from `since`. */
  const acceptedAfter = async (since: number, limitMs = 5_000) => {
    while (!(await resFits())) {
      if (Date.now() - since > limitMs) throw new Error('shared-1 still held for department web');
      await delay(20);
    }
    return Date.now() - since;
  };
  /** Waits until the pod was read back (and answered), then a little for the answer to apply. */
  const readBackDone = async (name: string, reads = 1) => {
    const deadline = Date.now() + 5_000;
    while (api.requests.count({ path: podPath(name) }) < reads) {
      if (Date.now() > deadline) throw new Error(`pod ${name} never read back`);
      await delay(20);
    }
    await delay(100);
  };

  it('given a 500 after the pod was bound, keeps the pod assumed on the node once read back', async () => {
    await bindToShared1('bound-then-500');
    expect(await resFits()).toBe(false);
    await readBackDone('bound-then-500');
    expect(pods.get('web-ns', 'bound-then-500')?.spec['nodeName']).toBe('shared-1');
    expect(await resFits()).toBe(false);
  });

  it('given a 500 and nothing bound, frees the node for other departments well before the TTL', async () => {
    const started = await bindToShared1('unbound-500');
    expect(await resFits()).toBe(false);
    expect(await acceptedAfter(started)).toBeLessThan(ASSUME_TTL_MS / 10);
    expect(api.requests.count({ path: podPath('unbound-500') })).toBe(1);
  });

  it('given a 500 for a pod deleted meanwhile (the read-back finds none), frees the node', async () => {
    const started = await bindToShared1('unbound-500-deleted');
    api.remove({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'web-ns', name: 'unbound-500-deleted' },
    });
    expect(await acceptedAfter(started)).toBeLessThan(ASSUME_TTL_MS / 10);
  });

  it('given a binding call given up at its deadline that bound nothing, frees the node well before the TTL', async () => {
    const started = await bindToShared1('hang');
    expect(Date.now() - started).toBeGreaterThanOrEqual(BIND_TIMEOUT_MS);
    expect(await acceptedAfter(started)).toBeLessThan(ASSUME_TTL_MS / 10);
  });

  it('given a binding call given up at its deadline that the API completed just after, keeps the pod assumed', async () => {
    await bindToShared1('late-bind');
    await readBackDone('late-bind');
    expect(pods.get('web-ns', 'late-bind')?.spec['nodeName']).toBe('shared-1');
    expect(await resFits()).toBe(false);
  });

  it('given a 500 and a read-back failing every time, keeps the pod assumed (until the watch or the TTL)', async () => {
    api.failNext(3, { path: podPath('unbound-500-unreadable'), code: 503 });
    await bindToShared1('unbound-500-unreadable');
    await readBackDone('unbound-500-unreadable', 3);
    expect(await resFits()).toBe(false);
    await delay(500);
    expect(api.requests.count({ path: podPath('unbound-500-unreadable') })).toBe(3);
    expect(await resFits()).toBe(false);
  });

  it('given a read-back that fails once, retries it and frees the node', async () => {
    api.failNext(1, { path: podPath('unbound-500-retried'), code: 503 });
    const started = await bindToShared1('unbound-500-retried');
    expect(await acceptedAfter(started)).toBeLessThan(ASSUME_TTL_MS / 10);
    expect(api.requests.count({ path: podPath('unbound-500-retried') })).toBe(2);
  });

  it('given a read-back the API refuses (403), does not try again and keeps the pod assumed', async () => {
    api.failNext(1, { path: podPath('unbound-500-forbidden'), code: 403 });
    await bindToShared1('unbound-500-forbidden');
    await readBackDone('unbound-500-forbidden');
    await delay(500);
    expect(api.requests.count({ path: podPath('unbound-500-forbidden') })).toBe(1);
    expect(await resFits()).toBe(false);
  });
});
