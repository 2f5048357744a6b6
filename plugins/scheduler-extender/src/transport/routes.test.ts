import { smallCluster } from '../testing/small-cluster.js';
import { testExtender } from '../testing/test-extender.js';

describe('extender routes', () => {
  it('given a full-mode Node nested too deeply to write back, answers 200 with a filter Error', async () => {
    const { extender, post } = testExtender(smallCluster());
    const depth = 100_000;
    const deep = '['.repeat(depth) + ']'.repeat(depth);
    const node = `{"metadata":{"name":"shared-1"},"spec":{"x":${deep}}}`;
    const body =
      '{"Pod":{"metadata":{"name":"p","namespace":"web-ns"}},' +
      `"Nodes":{"metadata":{},"items":[${node}]},"NodeNames":null}`;
    const answer = await post('filter', body);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ Nodes: null, NodeNames: null, FailedNodes: {} });
    expect(answer.body['Error']).toMatch(/^EXT_ERR_BAD_REQUEST: the request's Nodes cannot be written back/);
    await extender.close();
  });
});
