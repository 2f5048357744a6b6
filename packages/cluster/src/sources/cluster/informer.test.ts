import type { SnapshotSink } from '../../sink.js';
import type { DecodedList } from './decode.js';
import type { ListPage } from './list-resource.js';
import { type InformerDeps, type InformerState, runInformer } from './informer.js';
import { RESOURCES } from './resources.js';
import { FakeClock, settle } from './testing/fake-clock.js';
import { FakeWatch, neverAnswers } from './testing/fake-watch.js';

const node = (name: string, rv: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, resourceVersion: rv },
});

function harness(
  lists: (DecodedList | Error)[],
  options: {
    pageSize?: number;
    sessions?: boolean;
    state?: InformerState;
    connect?: FakeWatch['connect'];
  } = {},
) {
  const clock = new FakeClock();
  const watch = new FakeWatch();
  if (options.connect) watch.connect = options.connect;
  const controller = new AbortController();
  const state: InformerState = options.state ?? { resourceVersion: '', watchFailures: 0 };
  const calls: string[] = [];
  const hooks: string[] = [];
  let listCount = 0;
  const pages: (ListPage | undefined)[] = [];
  let sinkThrows = false;
  const record = (op: string) => (_kind: string, item: unknown) => {
    if (sinkThrows) throw new Error('invalid object');
    calls.push(`${op} ${JSON.stringify(item)}`);
  };
  const sink: SnapshotSink = {
    replaceAll: record('replaceAll'),
    upsert: record('upsert'),
    remove: record('remove'),
    ...(options.sessions
      ? {
          beginReplace: () => ({
            page: (items: readonly unknown[]) => calls.push(`page ${JSON.stringify(items)}`),
            end: () => calls.push('end'),
          }),
        }
      : {}),
  };
  const deps: InformerDeps = {
    resource: RESOURCES.Node,
    sink,
    origin: 'test',
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    list: (_resource, _signal, page) => {
      pages.push(page);
      const list = lists[listCount++];
      if (list instanceof Error) return Promise.reject(list);
      return list ? Promise.resolve(list) : Promise.reject(new Error('no more lists'));
    },
    watch,
    clock,
    timing: {
      listTimeoutMs: 5_000,
      shortWatchMs: 1_000,
      watchTimeoutSeconds: () => 300,
      stallGraceMs: 60_000,
    },
    state,
    hooks: {
      listed: (count, rv) => hooks.push(`listed ${count} @${rv}`),
      opened: (rv) => hooks.push(`opened @${rv}`),
      accepted: (rv) => hooks.push(`accepted @${rv}`),
      progressed: () => hooks.push('progressed'),
      stalled: (silentMs) => hooks.push(`stalled ${silentMs}`),
      expired: () => hooks.push('expired'),
      relisting: (reason) => hooks.push(`relisting: ${reason}`),
      ignored: (reason) => hooks.push(`ignored: ${reason}`),
      sinkFailed: (_err, op) => hooks.push(`sinkFailed ${op}`),
      listRetrying: (reason, delayMs) => hooks.push(`listRetrying ${delayMs}: ${reason}`),
    },
    retryDelayMs: (attempt) => 100 * 2 ** attempt,
  };
  let error: unknown;
  let finished = false;
  const done = runInformer(deps, controller.signal).then(
    () => (finished = true),
    (err: unknown) => {
      error = err;
      finished = true;
    },
  );
  return {
    clock,
    watch,
    state,
    calls,
    hooks,
    lists: () => listCount,
    pages,
    failSink: (on: boolean) => (sinkThrows = on),
    result: () => ({ finished, error }),
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

describe('runInformer', () => {
  it('given a list, replaces all, then watches from its resourceVersion with bookmarks and a timeout', async () => {
    const h = harness([{ resourceVersion: '10', items: [node('a', '9')] }]);
    await settle();
    expect(h.calls).toEqual([`replaceAll ${JSON.stringify([node('a', '9')])}`]);
    expect(h.watch.last().query).toEqual({
      resourceVersion: '10',
      allowWatchBookmarks: true,
      timeoutSeconds: 300,
    });
    expect(h.hooks).toEqual(['listed 1 @10', 'opened @10']);
    await h.stop();
    expect(h.result()).toEqual({ finished: true, error: undefined });
  });

  it('given ADDED, MODIFIED, DELETED and BOOKMARK, feeds the sink in order and tracks the resourceVersion', async () => {
    const h = harness([{ resourceVersion: '10', items: [] }]);
    await settle();
    const w = h.watch.last();
    w.event('ADDED', node('b', '11'));
    w.event('MODIFIED', node('b', '12'));
    w.event('DELETED', node('b', '13'));
    w.event('BOOKMARK', { kind: 'Node', apiVersion: 'v1', metadata: { resourceVersion: '20' } });
    expect(h.calls.slice(1)).toEqual([
      `upsert ${JSON.stringify(node('b', '11'))}`,
      `upsert ${JSON.stringify(node('b', '12'))}`,
      `remove ${JSON.stringify(node('b', '13'))}`,
    ]);
    expect(h.state.resourceVersion).toBe('20');
    await h.stop();
  });

  it('given opaque resourceVersions, older-looking as numbers or text, resumes from exactly the last one seen', async () => {
    // A resourceVersion is opaque: never compared, never parsed; the last one delivered is where to resume.
    const h = harness([{ resourceVersion: 'rv-z9', items: [] }]);
    await settle();
    h.watch.last().event('ADDED', node('b', 'rv-a10'));
    h.watch.last().event('MODIFIED', node('b', '7'));
    h.watch.last().done(null);
    await settle();
    expect(h.calls.slice(1)).toEqual([
      `upsert ${JSON.stringify(node('b', 'rv-a10'))}`,
      `upsert ${JSON.stringify(node('b', '7'))}`,
    ]);
    expect(h.watch.calls.map((c) => c.query.resourceVersion)).toEqual(['rv-z9', '7']);
    await h.stop();
  });

  it('given a clean close after events, watches again from the last resourceVersion without listing', async () => {
    const h = harness([{ resourceVersion: '10', items: [] }]);
    await settle();
    h.watch.last().event('ADDED', node('b', '11'));
    h.watch.last().done(null);
    await settle();
    expect(h.watch.calls.map((c) => c.query.resourceVersion)).toEqual(['10', '11']);
    expect(h.lists()).toBe(1);
    await h.stop();
  });

  it('given an immediate close without events, fails so the supervisor backs off, keeping the resourceVersion', async () => {
    const h = harness([{ resourceVersion: '10', items: [] }]);
    await settle();
    h.watch.last().done(null);
    await settle();
    expect(h.result().error).toMatchObject({ code: 'CLUSTER_ERR_WATCH_SHORT' });
    expect(h.state.resourceVersion).toBe('10');
  });

  it('given 410 after events, relists and replaces all', async () => {
    const h = harness([
      { resourceVersion: '10', items: [node('a', '9')] },
      { resourceVersion: '30', items: [node('c', '25')] },
    ]);
    await settle();
    h.watch.last().event('ADDED', node('b', '11'));
    await h.clock.advance(1_000);
    h.watch.last().event('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' });
    await settle();
    expect(h.hooks).toContain('expired');
    expect(h.calls.at(-1)).toBe(`replaceAll ${JSON.stringify([node('c', '25')])}`);
    expect(h.watch.last().query.resourceVersion).toBe('30');
    await h.stop();
  });

  it('given 410 straight after a list, fails (no tight relist loop) and leaves the resourceVersion empty', async () => {
    const h = harness([{ resourceVersion: '10', items: [] }]);
    await settle();
    h.watch.last().done(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await settle();
    expect(h.result().error).toMatchObject({ statusCode: 410 });
    expect(h.state.resourceVersion).toBe('');
  });

  it('given 410 right after a list, even after events, fails with a wait growing with each in a row', async () => {
    const h = harness([{ resourceVersion: '10', items: [] }], {
      state: { resourceVersion: '', watchFailures: 0, quickExpiries: 2 },
    });
    await settle();
    h.watch.last().event('ADDED', node('b', '11'));
    h.watch.last().event('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' });
    await settle();
    // Relisting at once would loop as fast as the server answers: the supervisor waits instead.
    expect(h.result().error).toMatchObject({ statusCode: 410, retryAfterMs: 400 });
    expect(h.state).toMatchObject({ resourceVersion: '', quickExpiries: 3 });
    expect(h.lists()).toBe(1);
  });

  it('given a 410 well after the list, forgets earlier 410s that came right after theirs', async () => {
    const h = harness(
      [
        { resourceVersion: '10', items: [] },
        { resourceVersion: '40', items: [] },
      ],
      { state: { resourceVersion: '', watchFailures: 0, quickExpiries: 2 } },
    );
    await h.clock.advance(1_000);
    h.watch.last().event('ERROR', { kind: 'Status', code: 410, message: 'too old' });
    await settle();
    expect(h.result().finished).toBe(false);
    expect(h.state).toMatchObject({ resourceVersion: '40', quickExpiries: 0 });
    await h.stop();
  });

  it('given only events it cannot apply and a close within shortWatchMs, reports them and fails', async () => {
    const h = harness([{ resourceVersion: '10', items: [] }]);
    await settle();
    h.watch.last().event('ADDED', undefined);
    h.watch.last().event('SOMETHING', { kind: 'Node' });
    h.watch.last().done(null);
    await settle();
    // Watching again at once would repeat the same request for ever: the supervisor backs off.
    expect(h.result().error).toMatchObject({ code: 'CLUSTER_ERR_WATCH_SHORT' });
    expect(h.hooks).toEqual([
      'listed 0 @10',
      'opened @10',
      'ignored: ADDED event without an object',
      'ignored: unknown event type SOMETHING',
    ]);
    expect(h.state).toMatchObject({ resourceVersion: '10', watchFailures: 1 });
  });

  it('given 410 on a quiet watch that ran a while after the list, relists without failing', async () => {
    const h = harness([
      { resourceVersion: '10', items: [] },
      { resourceVersion: '40', items: [] },
    ]);
    await h.clock.advance(5_000);
    h.watch.last().event('ERROR', { kind: 'Status', code: 410, message: 'too old' });
    await settle();
    expect(h.result().finished).toBe(false);
    expect(h.lists()).toBe(2);
    expect(h.watch.last().query.resourceVersion).toBe('40');
    await h.stop();
  });

  it('given a non-410 ERROR event, fails with its code', async () => {
    const h = harness([{ resourceVersion: '10', items: [] }]);
    await settle();
    h.watch.last().event('ERROR', { kind: 'Status', code: 500, message: 'etcd' });
    await settle();
    expect(h.result().error).toMatchObject({ code: 'CLUSTER_ERR_WATCH_EVENT', statusCode: 500 });
  });

  it('given a sink that throws, reports it and carries on with the resourceVersion advanced', async () => {
    const h = harness([{ resourceVersion: '10', items: [] }]);
    await settle();
    h.failSink(true);
    h.watch.last().event('ADDED', node('bad', '11'));
    expect(h.hooks).toContain('sinkFailed upsert');
    expect(h.state.resourceVersion).toBe('11');
    expect(h.result().finished).toBe(false);
    await h.stop();
  });

  it('given a watch the server never ends, aborts it timeoutSeconds plus grace after it started', async () => {
    const h = harness([{ resourceVersion: '10', items: [] }]);
    await h.clock.advance(359_999);
    expect(h.result().finished).toBe(false);
    await h.clock.advance(1);
    expect(h.result().error).toMatchObject({ code: 'CLUSTER_ERR_WATCH_STALLED' });
    expect(h.watch.last().controller.signal.aborted).toBe(true);
  });

  it('given a watch that stalls after events, reports its silence since the last event', async () => {
    const h = harness([{ resourceVersion: '10', items: [] }]);
    await h.clock.advance(100_000);
    h.watch.last().event('ADDED', node('a', '11'));
    await h.clock.advance(260_000);
    expect(h.result().error).toMatchObject({ code: 'CLUSTER_ERR_WATCH_STALLED' });
    expect(h.hooks.slice(-2)).toEqual(['progressed', 'stalled 260000']);
  });

  it('given response headers that never arrive, reports no stall silence (no stream was open)', async () => {
    const h = harness([{ resourceVersion: '10', items: [] }], { connect: neverAnswers });
    await h.clock.advance(5_000);
    expect(h.result().error).toMatchObject({ code: 'CLUSTER_ERR_WATCH_STALLED' });
    expect(h.hooks).toEqual(['listed 0 @10']);
  });

  it('given a list in pages and a sink taking pages, feeds it page by page, then watches from the first page', async () => {
    const h = harness(
      [
        { resourceVersion: '10', items: [node('a', '9'), node('b', '9')], continue: 't1' },
        { resourceVersion: '10', items: [node('c', '9')] },
      ],
      { pageSize: 2, sessions: true },
    );
    await settle();
    expect(h.pages).toEqual([
      { limit: 2, continue: undefined },
      { limit: 2, continue: 't1' },
    ]);
    expect(h.calls).toEqual([
      `page ${JSON.stringify([node('a', '9'), node('b', '9')])}`,
      `page ${JSON.stringify([node('c', '9')])}`,
      'end',
    ]);
    expect(h.hooks).toEqual(['listed 3 @10', 'opened @10']);
    await h.stop();
  });

  it('given a list in pages and a sink without pages, joins them into one replaceAll', async () => {
    const h = harness(
      [
        { resourceVersion: '10', items: [node('a', '9')], continue: 't1' },
        { resourceVersion: '10', items: [node('b', '9')] },
      ],
      { pageSize: 1 },
    );
    await settle();
    expect(h.calls).toEqual([`replaceAll ${JSON.stringify([node('a', '9'), node('b', '9')])}`]);
    await h.stop();
  });

  it('given a later page that keeps failing, retries it alone, then ends nothing, throws and leaves the resourceVersion empty', async () => {
    const h = harness([{ resourceVersion: '10', items: [node('a', '9')], continue: 't1' }], {
      pageSize: 1,
      sessions: true,
    });
    await h.clock.advance(100 + 200 + 400 + 800);
    expect(h.pages).toEqual([
      { limit: 1, continue: undefined },
      ...Array(5).fill({ limit: 1, continue: 't1' }),
    ]);
    expect(h.calls).toEqual([`page ${JSON.stringify([node('a', '9')])}`]);
    expect(h.hooks.filter((x) => x.startsWith('listRetrying'))).toEqual([
      'listRetrying 100: page failed: no more lists',
      'listRetrying 200: page failed: no more lists',
      'listRetrying 400: page failed: no more lists',
      'listRetrying 800: page failed: no more lists',
    ]);
    expect(h.result().error).toMatchObject({ message: 'no more lists' });
    expect(h.state.resourceVersion).toBe('');
  });

  it('given a later page refused for good (403), throws at once without retrying it', async () => {
    const forbidden = Object.assign(new Error('forbidden'), { statusCode: 403 });
    const h = harness([{ resourceVersion: '10', items: [node('a', '9')], continue: 't1' }, forbidden], {
      pageSize: 1,
      sessions: true,
    });
    await settle();
    expect(h.result().error).toMatchObject({ statusCode: 403 });
    expect(h.pages).toHaveLength(2);
  });

  it('given a 429 on a later page, waits the longer of backoff and Retry-After, then reads on from that page', async () => {
    const throttled = Object.assign(new Error('throttled'), { statusCode: 429, retryAfterMs: 3_000 });
    const h = harness(
      [
        { resourceVersion: '10', items: [node('a', '9')], continue: 't1' },
        throttled,
        { resourceVersion: '10', items: [node('b', '9')] },
      ],
      { pageSize: 1, sessions: true },
    );
    await h.clock.advance(2_999);
    expect(h.pages).toHaveLength(2);
    await h.clock.advance(1);
    expect(h.pages.map((p) => p?.continue)).toEqual([undefined, 't1', 't1']);
    expect(h.calls.at(-1)).toBe('end');
    expect(h.hooks).toContain('listed 2 @10');
    await h.stop();
  });

  it('given a stop while waiting to read a failed page again, returns without another request', async () => {
    const throttled = Object.assign(new Error('throttled'), { statusCode: 429, retryAfterMs: 3_000 });
    const h = harness([{ resourceVersion: '10', items: [node('a', '9')], continue: 't1' }, throttled], {
      pageSize: 1,
      sessions: true,
    });
    await h.clock.advance(100);
    await h.stop();
    expect(h.result().finished).toBe(true);
    expect(h.pages).toHaveLength(2);
    expect(h.watch.calls).toEqual([]);
  });

  it('given an expired continue token (410), lists everything in one request and watches from there', async () => {
    const expired = Object.assign(new Error('continue parameter is too old'), { statusCode: 410 });
    const h = harness(
      [
        { resourceVersion: '10', items: [node('a', '9')], continue: 't1' },
        expired,
        { resourceVersion: '15', items: [node('b', '14')] },
      ],
      { pageSize: 1, sessions: true },
    );
    await settle();
    expect(h.pages).toEqual([{ limit: 1, continue: undefined }, { limit: 1, continue: 't1' }, undefined]);
    expect(h.calls).toEqual([
      `page ${JSON.stringify([node('a', '9')])}`,
      `replaceAll ${JSON.stringify([node('b', '14')])}`,
    ]);
    expect(h.hooks[0]).toMatch(/^listRetrying 0: continue token expired/);
    expect(h.watch.last().query.resourceVersion).toBe('15');
    await h.stop();
  });

  it('given a list that fails, throws and leaves the resourceVersion empty', async () => {
    const h = harness([]);
    await settle();
    expect(h.result().error).toMatchObject({ message: 'no more lists' });
    expect(h.watch.calls).toEqual([]);
  });

  describe('acceptance and relisting after watch failures', () => {
    const resumed = (watchFailures: number): InformerState => ({ resourceVersion: '10', watchFailures });
    const error500 = { kind: 'Status', code: 500, message: 'conversion webhook failed' };

    it('given HTTP 200 then an ERROR event, does not accept the watch and counts a failure', async () => {
      const h = harness([], { state: resumed(0) });
      await settle();
      h.watch.last().event('ERROR', error500);
      await settle();
      expect(h.hooks).toEqual(['opened @10']);
      expect(h.result().error).toMatchObject({ code: 'CLUSTER_ERR_WATCH_EVENT', statusCode: 500 });
      expect(h.state).toEqual({ resourceVersion: '10', watchFailures: 1 });
    });

    it('given the third failed watch in a row, empties the resourceVersion so the next run relists', async () => {
      const h = harness([], { state: resumed(2) });
      await settle();
      h.watch.last().event('ERROR', error500);
      await settle();
      expect(h.hooks).toEqual(['opened @10', 'relisting: 3 watch failures in a row']);
      expect(h.result().error).toMatchObject({ code: 'CLUSTER_ERR_WATCH_EVENT' });
      expect(h.state).toEqual({ resourceVersion: '', watchFailures: 0 });
    });

    it.each([
      ['a 429 answer', Object.assign(new Error('Too Many Requests'), { statusCode: 429 })],
      ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ])('given %s on the third watch in a row, keeps the resourceVersion (no relist)', async (_name, err) => {
      const h = harness([], { state: resumed(2) });
      await settle();
      h.watch.last().done(err);
      await settle();
      expect(h.result().error).toMatchObject({ code: 'CLUSTER_ERR_WATCH_FAILED' });
      expect(h.state).toEqual({ resourceVersion: '10', watchFailures: 2 });
      expect(h.hooks).not.toContainEqual(expect.stringMatching(/^relisting/));
    });

    it('given an ERROR event with a 429 Status, keeps the resourceVersion too', async () => {
      const h = harness([], { state: resumed(2) });
      await settle();
      h.watch
        .last()
        .event('ERROR', { kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'slow down' });
      await settle();
      expect(h.state).toEqual({ resourceVersion: '10', watchFailures: 2 });
    });

    it('given "Too large resource version", relists on the first failure', async () => {
      const h = harness([], { state: resumed(0) });
      await settle();
      h.watch.last().event('ERROR', {
        kind: 'Status',
        code: 504,
        reason: 'Timeout',
        message: 'Timeout: Too large resource version: 10, current: 9',
        details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] },
      });
      await settle();
      expect(h.hooks).toContain('relisting: too large resource version');
      expect(h.state.resourceVersion).toBe('');
    });

    it('given a short close without events, counts it as a failure too', async () => {
      const h = harness([], { state: resumed(2) });
      await settle();
      h.watch.last().done(null);
      await settle();
      expect(h.result().error).toMatchObject({ code: 'CLUSTER_ERR_WATCH_SHORT' });
      expect(h.state.resourceVersion).toBe('');
    });

    it('given a first event, accepts the watch once and forgets earlier failures', async () => {
      const h = harness([], { state: resumed(2) });
      await settle();
      h.watch
        .last()
        .event('BOOKMARK', { kind: 'Node', apiVersion: 'v1', metadata: { resourceVersion: '12' } });
      h.watch.last().event('ADDED', node('b', '13'));
      expect(h.hooks).toEqual(['opened @10', 'accepted @10', 'progressed', 'progressed']);
      expect(h.state.watchFailures).toBe(0);
      await h.stop();
    });

    it('given a quiet watch the server ends cleanly after shortWatchMs, accepts it and watches again', async () => {
      const h = harness([], { state: resumed(2) });
      await h.clock.advance(1_000);
      h.watch.last().done(null);
      await settle();
      expect(h.hooks).toEqual(['opened @10', 'accepted @10', 'opened @10']);
      expect(h.state.watchFailures).toBe(0);
      await h.stop();
    });

    it('given a successful LIST, forgets earlier watch failures', async () => {
      const h = harness([{ resourceVersion: '20', items: [] }], {
        state: { resourceVersion: '', watchFailures: 2 },
      });
      await settle();
      expect(h.state).toEqual({ resourceVersion: '20', watchFailures: 0 });
      await h.stop();
    });

    it('given response headers that never arrive, aborts the request after listTimeoutMs and fails', async () => {
      const h = harness([], { state: resumed(0), connect: neverAnswers });
      await h.clock.advance(4_999);
      expect(h.result().finished).toBe(false);
      await h.clock.advance(1);
      expect(h.result().error).toMatchObject({
        code: 'CLUSTER_ERR_WATCH_STALLED',
        message: 'WATCH /api/v1/nodes: no response headers after 5000 ms',
      });
      expect(h.watch.last().signal.aborted).toBe(true);
      expect(h.state.watchFailures).toBe(1);
    });
  });
});
