// A request naming a node twice (kube-scheduler never does, but the body is not ours): the answer
// stays a subset of the input with each node once, and never both passes and refuses a name.
import { rawNode } from '@corral/cluster';
import { smallCluster } from '../../../plugins/scheduler-extender/src/testing/small-cluster.js';
import { testExtender } from './lab-cluster.js';

const POD = {
  metadata: { name: 'a', namespace: 'web-ns', uid: 'u-a' },
  spec: { containers: [{ name: 'c' }] },
};

interface FilterBody {
  Nodes: { items: { metadata: { name: string } }[] } | null;
  NodeNames: string[] | null;
  FailedNodes: Record<string, string>;
  FailedAndUnresolvableNodes: Record<string, string>;
  Error: string;
}

/**
 * Every name the answer mentions, with repeats: read from the JSON text itself, since JSON.parse
 * would merge repeated keys.
 */
function mentions(text: string): string[] {
  const answer = JSON.parse(text) as FilterBody;
  const keys = (field: string) =>
    [...(new RegExp(`"${field}":\\{([^}]*)\\}`).exec(text)?.[1] ?? '').matchAll(/"([^"]+)":"/g)].map(
      (m) => m[1],
    );
  return [
    ...(answer.NodeNames ?? []),
    ...(answer.Nodes?.items.map((item) => item.metadata.name) ?? []),
    ...keys('FailedNodes'),
    ...keys('FailedAndUnresolvableNodes'),
  ] as string[];
}

describe('extender with a node named twice', () => {
  const extender = testExtender(smallCluster());
  afterAll(() => extender.close());

  async function post(verb: string, body: unknown) {
    const response = await extender.post(verb, body);
    expect(response.statusCode).toBe(200);
    return response;
  }

  it('given NodeNames with repeats, answers each node once, in first-seen order', async () => {
    const response = await post('filter', {
      Pod: POD,
      NodeNames: ['shared-1', 'fin-1', 'shared-1', 'fin-1', 'shared-2'],
    });
    const answer = response.json<FilterBody>();
    expect(answer.NodeNames).toEqual(['shared-1', 'shared-2']);
    expect(Object.keys(answer.FailedAndUnresolvableNodes)).toEqual(['fin-1']);
    expect(mentions(response.body).sort()).toEqual(['fin-1', 'shared-1', 'shared-2']);
  });

  it.each([
    [
      'a readable object first',
      [rawNode('shared-1'), { metadata: { name: 'shared-1' }, status: { allocatable: { cpu: 'lots' } } }],
      true,
    ],
    [
      'an unreadable object first',
      [{ metadata: { name: 'shared-1' }, status: { allocatable: { cpu: 'lots' } } }, rawNode('shared-1')],
      false,
    ],
  ])(
    'given full Nodes with two objects for one name, %s, decides by the first and names it once',
    async (_what, items, passes) => {
      const response = await post('filter', { Pod: POD, Nodes: { metadata: {}, items } });
      const answer = response.json<FilterBody>();
      expect(mentions(response.body)).toEqual(['shared-1']);
      expect(answer.Nodes?.items).toEqual(passes ? [items[0]] : []);
    },
  );

  it('given prioritize with a repeated host, scores it once (kube-scheduler would add both)', async () => {
    const gpuPod = {
      ...POD,
      spec: { containers: [{ name: 'c', resources: { requests: { 'nvidia.com/gpu': '1' } } }] },
    };
    const response = await post('prioritize', { Pod: gpuPod, NodeNames: ['gpu-1', 'gpu-2', 'gpu-1'] });
    expect(response.json<{ Host: string }[]>().map((entry) => entry.Host)).toEqual(['gpu-1', 'gpu-2']);
  });
});
