import type { IncomingMessage, ServerResponse } from 'node:http';
import { clusterSourceHarness, PODS, teamPod } from './cluster-source-harness.js';
import { REFUSED_USER, refusals } from './fake-apiserver/refusals.js';
import { delay, waitFor } from '../support/wait-for.js';

/**
 * API servers (or proxies in front of them) that answer every watch the same odd way, and an API
 * server that refuses the LIST for want of RBAC. The cluster source must neither hammer the server
 * in a loop nor leave an operator guessing why it is not ready.
 */

const startSource = clusterSourceHarness();

const isPodWatch = (url: URL) => url.pathname === PODS && url.searchParams.get('watch') === 'true';

/** Every Pod watch: 200, `lines` (events as kube-apiserver writes them), then the end of the stream. */
function answerWatches(lines: (n: number) => unknown[]) {
  let watches = 0;
  const handler = (_req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    if (!isPodWatch(url)) return false;
    watches += 1;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    for (const line of lines(watches)) res.write(`${JSON.stringify(line)}\n`);
    res.end();
    return true;
  };
  return { handler, watches: () => watches };
}

const expired = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'too old resource version: 101 (150)',
  reason: 'Expired',
  code: 410,
};

describe('cluster source: no request loops', () => {
  it('given every watch answered with an event and then ERROR 410, relists with a growing wait', async () => {
    const modified = (n: number) => ({
      type: 'MODIFIED',
      object: {
        ...teamPod('p1'),
        metadata: { name: 'p1', namespace: 'team-a', resourceVersion: `${1000 + n}` },
      },
    });
    const server = answerWatches((n) => [modified(n), { type: 'ERROR', object: expired }]);
    const h = await startSource({
      extra: server.handler,
      seed: (s) => s.upsert(teamPod('p1')),
      source: { kinds: ['Pod'] },
    });
    await delay(1_000);
    // Backoff 20 ms doubling to 100 ms: about a dozen LISTs in a second. Relisting at once after
    // each 410 made hundreds (one per round trip).
    const lists = h.server.requests.all({ path: PODS, watch: false });
    expect(lists.length).toBeGreaterThanOrEqual(3);
    expect(lists.length).toBeLessThanOrEqual(20);
    expect(server.watches()).toBeLessThanOrEqual(20);
    const gaps = lists.slice(1).map((r, i) => r.at - (lists[i]?.at ?? 0));
    expect(Math.max(...gaps.slice(-3))).toBeGreaterThanOrEqual(80);
    expect(h.store.pod('team-a', 'p1')).toBeDefined();
    expect(h.source.status().Pod?.lastError).toContain('right after LIST');
  });

  it('given every watch answered with events it cannot apply and a quick end, backs off and relists', async () => {
    const server = answerWatches(() => [{ type: 'ADDED' }, { type: 'SOMETHING', object: { kind: 'Pod' } }]);
    const h = await startSource({
      extra: server.handler,
      seed: (s) => s.upsert(teamPod('p1')),
      source: { kinds: ['Pod'] },
    });
    await delay(1_000);
    // Watching again at once from the same resourceVersion made well over a thousand requests.
    expect(server.watches()).toBeGreaterThanOrEqual(3);
    expect(server.watches()).toBeLessThanOrEqual(25);
    // Three short watches in a row: the next run lists again.
    expect(h.server.requests.count({ path: PODS, watch: false })).toBeGreaterThanOrEqual(2);
    expect(h.source.status().Pod?.lastError).toContain('without events');
  });
});

describe('cluster source: LIST refused (RBAC)', () => {
  it.each([
    [403, `pods is forbidden: User "${REFUSED_USER}" cannot list resource "pods"`],
    [401, 'Unauthorized'],
  ] as const)(
    'given %i on the LIST, says why in readiness, retries with backoff, syncs once allowed',
    async (code, text) => {
      const refused = refusals();
      refused.refuse(PODS, 'list', code);
      const readiness: [boolean, string][] = [];
      const h = await startSource({
        extra: refused.handler,
        seed: (s) => s.upsert(teamPod('p1')),
        source: { kinds: ['Pod'], readiness: (_kind, synced, reason) => readiness.push([synced, reason]) },
      });
      await waitFor(() => h.server.requests.count({ path: PODS, watch: false }) >= 4, 'LIST retried');
      expect(h.source.synced()).toBe(false);
      // Once, not per retry: the reason /readyz shows, instead of "waiting for the first LIST".
      expect(readiness).toEqual([
        [false, 'waiting for the first LIST'],
        [
          false,
          expect.stringMatching(
            new RegExp(`^not listed yet: LIST /api/v1/pods: .*${text.replace(/"/g, '.')}`),
          ),
        ],
      ]);
      expect(h.source.status().Pod).toMatchObject({
        synced: false,
        lastError: expect.stringContaining(text),
      });
      const at = h.server.requests.all({ path: PODS, watch: false }).map((r) => r.at);
      expect((at[3] ?? 0) - (at[2] ?? 0)).toBeGreaterThanOrEqual(60); // 20, 40, 80 ms: backing off

      refused.allow();
      await waitFor(() => h.source.synced(), 'synced once allowed');
      expect(readiness.at(-1)).toEqual([true, 'listed 1 objects']);
      expect(h.store.pod('team-a', 'p1')).toBeDefined();
    },
  );
});
