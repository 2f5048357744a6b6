// The one log line per call keeps its request context (pod, node count) when the answer is an error,
// so an operator can tell which pod an EXT_ERR_NOT_SYNCED or EXT_ERR_BAD_POD warning is about.
import { smallCluster } from '../../../plugins/scheduler-extender/src/testing/small-cluster.js';
import { testExtender, type TestExtender } from './lab-cluster.js';

const POD = {
  metadata: { name: 'a', namespace: 'web-ns', uid: 'u-a' },
  spec: { containers: [{ name: 'c' }] },
};

describe('extender log lines', () => {
  let extender: TestExtender;
  afterEach(() => extender.close());

  async function post(verb: string, body: unknown, status = 200): Promise<void> {
    expect((await extender.post(verb, body)).statusCode).toBe(status);
  }

  /** The call's log line (there is exactly one per call). */
  function lineOf(verb: string): Record<string, unknown> {
    const lines = extender.logs.lines.filter((line) => line['verb'] === verb);
    expect(lines).toHaveLength(1);
    return lines[0] as Record<string, unknown>;
  }

  const errCode = (code: string) => expect.objectContaining({ code });

  describe('with the snapshot not synced', () => {
    beforeEach(() => {
      extender = testExtender(smallCluster(), { syncConditions: ['informer:Pod'] });
    });

    it('given filter, warns with the pod, the node count and the mode', async () => {
      await post('filter', { Pod: POD, NodeNames: ['shared-1', 'fin-1'] });
      expect(lineOf('filter')).toMatchObject({
        level: 'warn',
        pod: 'web-ns/a',
        nodes: 2,
        mode: 'names',
        err: errCode('EXT_ERR_NOT_SYNCED'),
      });
    });

    it('given filter with full Node objects, counts them', async () => {
      const items = ['shared-1', 'shared-2', 'fin-1'].map((name) => ({ metadata: { name } }));
      await post('filter', { Pod: POD, Nodes: { metadata: {}, items } });
      expect(lineOf('filter')).toMatchObject({ pod: 'web-ns/a', nodes: 3, mode: 'nodes' });
    });

    it('given prioritize, warns with the pod and the node count', async () => {
      await post('prioritize', { Pod: POD, NodeNames: ['shared-1'] });
      expect(lineOf('prioritize')).toMatchObject({
        level: 'warn',
        pod: 'web-ns/a',
        nodes: 1,
        err: errCode('EXT_ERR_NOT_SYNCED'),
      });
    });

    it('given preempt, warns with the pod and the node count', async () => {
      const victims = { 'shared-2': { Pods: [{ UID: 'uid-web-ns-shop-1' }], NumPDBViolations: 0 } };
      await post('preempt', { Pod: POD, NodeNameToMetaVictims: victims });
      expect(lineOf('preempt')).toMatchObject({
        level: 'warn',
        pod: 'web-ns/a',
        nodes: 1,
        err: errCode('EXT_ERR_NOT_SYNCED'),
      });
    });
  });

  describe('with the snapshot synced', () => {
    beforeEach(() => {
      extender = testExtender(smallCluster());
    });

    it('given a pod that cannot be read, warns with its name and the node count', async () => {
      const bad = { ...POD, spec: { containers: [{ name: 'c', resources: { requests: { cpu: 'lots' } } }] } };
      await post('filter', { Pod: bad, NodeNames: ['shared-1'] });
      expect(lineOf('filter')).toMatchObject({ pod: 'web-ns/a', nodes: 1, err: errCode('EXT_ERR_BAD_POD') });
    });

    it('given prioritize with a pod that cannot be read, answers 400 and warns with its name', async () => {
      const bad = { ...POD, spec: { containers: [{ name: 'c', resources: { requests: { cpu: 'lots' } } }] } };
      await post('prioritize', { Pod: bad, NodeNames: ['shared-1', 'shared-2'] }, 400);
      expect(lineOf('prioritize')).toMatchObject({ level: 'warn', pod: 'web-ns/a', nodes: 2 });
    });

    it('given arguments that cannot be read, warns without inventing a pod', async () => {
      await post('filter', { NodeNames: ['shared-1'] });
      const line = lineOf('filter');
      expect(line).toMatchObject({ level: 'warn', err: errCode('EXT_ERR_BAD_REQUEST') });
      expect(line).not.toHaveProperty('pod');
      expect(line).not.toHaveProperty('nodes');
    });

    it('given a refused bind, warns with the pod and the node', async () => {
      await post('bind', { PodName: 'a', PodNamespace: 'web-ns', PodUID: 'u-a', Node: 'shared-1' });
      expect(lineOf('bind')).toMatchObject({
        level: 'warn',
        pod: 'web-ns/a',
        node: 'shared-1',
        err: errCode('EXT_ERR_BIND_DISABLED'),
      });
    });

    it('given a decided filter, logs the pod, node count, refusals and mode', async () => {
      await post('filter', { Pod: POD, NodeNames: ['shared-1', 'fin-1'] });
      expect(lineOf('filter')).toMatchObject({
        level: 'info',
        pod: 'web-ns/a',
        nodes: 2,
        refused: 1,
        mode: 'names',
      });
    });
  });
});
