import { Value } from '@sinclair/typebox/value';
import { RESPONSE_SCHEMAS } from '../../../plugins/scheduler-extender/src/transport/routes.js';
import { listFixtures, loadExtenderArgs } from '../../support/fixtures.js';
import { labCluster, testExtender, type TestExtender } from './lab-cluster.js';

/** The recorded kube-scheduler bodies, through the real fastify server, in both node modes. */
describe('extender with the recorded kube-scheduler bodies', () => {
  let extender: TestExtender;
  beforeEach(() => {
    extender = testExtender(labCluster());
  });
  afterEach(() => extender.close());

  const post = async (verb: string, payload: unknown) => {
    const response = await extender.app.inject({
      method: 'POST',
      url: `/scheduler/${verb}`,
      payload: payload as object,
    });
    const body = response.json() as Record<string, unknown>;
    // Answers are written by JSON.stringify: each must still match its route's response schema.
    if (response.statusCode === 200)
      expect(Value.Errors(RESPONSE_SCHEMAS[verb as 'filter'], body).First()?.message).toBeUndefined();
    return { status: response.statusCode, body };
  };

  const filters = listFixtures('extender-filter-');
  it.each(filters)('given %s, answers 200 with a subset of its input in its own mode', async (name) => {
    const args = loadExtenderArgs(name);
    const { status, body } = await post('filter', args);
    expect(status).toBe(200);
    expect(body['Error']).toBe('');
    const input = args.Nodes ? args.Nodes.items.map((n) => n.metadata.name) : (args.NodeNames ?? []);
    const nodes = body['Nodes'] as { items: { metadata: { name: string } }[] } | null;
    const passed = args.Nodes
      ? (nodes?.items.map((n) => n.metadata.name) ?? [])
      : (body['NodeNames'] as string[]);
    if (args.Nodes) expect(body['NodeNames']).toBeNull();
    else expect(body['Nodes']).toBeNull();
    for (const node of passed) expect(input).toContain(node);
    const refused = { ...(body['FailedNodes'] as object), ...(body['FailedAndUnresolvableNodes'] as object) };
    expect([...passed, ...Object.keys(refused)].sort()).toEqual([...input].sort());
  });

  it.each(['extender-filter-nodes-1', 'extender-filter-nodenames-1'])(
    'given a CPU pod (%s), refuses the GPU node as unresolvable with a tenant-readable reason',
    async (name) => {
      const { body } = await post('filter', loadExtenderArgs(name));
      expect(body['FailedAndUnresolvableNodes']).toEqual({
        'lab-gpu-node-3': expect.stringContaining(
          'gpu-nodes: node is dedicated to GPU workloads (pod requests no nvidia.com/gpu)',
        ) as unknown,
      });
      expect(body['FailedNodes']).toEqual({});
    },
  );

  it.each(['extender-filter-nodes-2', 'extender-filter-nodenames-2'])(
    'given a GPU pod (%s), keeps the GPU node',
    async (name) => {
      const { body } = await post('filter', loadExtenderArgs(name));
      const kept =
        body['NodeNames'] ??
        (body['Nodes'] as { items: { metadata: { name: string } }[] }).items.map((n) => n.metadata.name);
      expect(kept).toEqual(['lab-gpu-node-3']);
    },
  );

  it.each(listFixtures('extender-prioritize-'))('given %s, scores every input node 0..10', async (name) => {
    const args = loadExtenderArgs(name);
    const { status, body } = await post('prioritize', args);
    expect(status).toBe(200);
    const list = body as unknown as { Host: string; Score: number }[];
    const input = args.Nodes ? args.Nodes.items.map((n) => n.metadata.name) : (args.NodeNames ?? []);
    expect(list.map((h) => h.Host)).toEqual(input);
    for (const { Score } of list) expect(Score >= 0 && Score <= 10 && Number.isInteger(Score)).toBe(true);
  });

  it('given names-only mode and a node it has never seen, refuses that node with a reason', async () => {
    const args = loadExtenderArgs('extender-filter-nodenames-1');
    const { body } = await post('filter', { ...args, NodeNames: ['lab-node-1', 'ghost-9'] });
    expect(body['NodeNames']).toEqual(['lab-node-1']);
    // Unresolvable: no preemption puts a node into Corral's cache.
    expect(body['FailedNodes']).toEqual({});
    expect(body['FailedAndUnresolvableNodes']).toEqual({
      'ghost-9': expect.stringContaining("not in Corral's node cache") as unknown,
    });
  });

  it('given a pod of a system namespace, passes every node untouched', async () => {
    const args = loadExtenderArgs('extender-filter-nodenames-1');
    args.Pod.metadata.namespace = 'kube-system';
    const { body } = await post('filter', args);
    expect(body['NodeNames']).toEqual(args.NodeNames);
  });

  it('logs one line per call with the pod and the node count', async () => {
    await post('filter', loadExtenderArgs('extender-filter-nodenames-1'));
    const line = extender.logs.lines.find((l) => l['msg'] === 'extender filter');
    expect(line).toMatchObject({ verb: 'filter', pod: 'lab-demo/lab-pod-nodecache', nodes: 3, refused: 1 });
  });
});
