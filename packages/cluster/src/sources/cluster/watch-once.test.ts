import type { ClusterSourceError } from './errors.js';
import { FakeClock, settle } from './testing/fake-clock.js';
import { FakeWatch, neverAnswers } from './testing/fake-watch.js';
import { type WatchEnd, watchOnce } from './watch-once.js';

function startWatch(onEvent: (type: unknown, object: unknown) => WatchEnd | undefined = () => undefined) {
  const clock = new FakeClock();
  const watch = new FakeWatch();
  const controller = new AbortController();
  const seen: unknown[] = [];
  let opened = 0;
  const run = (): Promise<WatchEnd> =>
    watchOnce({
      watch,
      path: '/api/v1/pods',
      query: { resourceVersion: '5', allowWatchBookmarks: true },
      signal: controller.signal,
      clock,
      connectTimeoutMs: 500,
      stallMs: 1_000,
      onOpen: () => (opened += 1),
      onEvent: (type, object) => {
        seen.push(type);
        return onEvent(type, object);
      },
    });
  return { clock, watch, controller, seen, run, opened: () => opened };
}

describe('watchOnce', () => {
  it('given events then a clean close, passes them in order and returns closed', async () => {
    const w = startWatch();
    const ended = w.run();
    await settle();
    expect(w.opened()).toBe(1);
    expect(w.watch.last().query).toEqual({ resourceVersion: '5', allowWatchBookmarks: true });
    w.watch.last().event('ADDED', {});
    w.watch.last().event('DELETED', {});
    await w.clock.advance(200);
    w.watch.last().done(null);
    expect(await ended).toEqual({ type: 'closed', events: 2, durationMs: 200 });
    expect(w.seen).toEqual(['ADDED', 'DELETED']);
  });

  it('given an event that ends the watch, aborts the request and ignores later events', async () => {
    const w = startWatch((type) => (type === 'ERROR' ? { type: 'gone', message: 'too old' } : undefined));
    const ended = w.run();
    await settle();
    w.watch.last().event('ERROR', {});
    w.watch.last().event('ADDED', {});
    expect(await ended).toEqual({ type: 'gone', message: 'too old' });
    expect(w.seen).toEqual(['ERROR']);
    expect(w.watch.last().controller.signal.aborted).toBe(true);
  });

  it('given an HTTP 410 from client-node, returns gone', async () => {
    const w = startWatch();
    w.watch.connect = (call) => {
      call.done(Object.assign(new Error('Gone'), { statusCode: 410 }));
      return Promise.resolve(call.controller);
    };
    expect((await w.run()).type).toBe('gone');
    expect(w.opened()).toBe(0);
  });

  it('given another HTTP error, returns failed with its status code', async () => {
    const w = startWatch();
    w.watch.connect = (call) => {
      call.done(Object.assign(new Error('Internal Server Error'), { statusCode: 500 }));
      return Promise.resolve(call.controller);
    };
    const end = await w.run();
    expect(end.type === 'failed' && end.error).toMatchObject({
      code: 'CLUSTER_ERR_WATCH_FAILED',
      statusCode: 500,
    });
  });

  it('given a watch still open after stallMs, aborts it and returns failed (stalled)', async () => {
    const w = startWatch();
    const ended = w.run();
    await w.clock.advance(1_000);
    const end = await ended;
    expect(end.type === 'failed' && (end.error as ClusterSourceError).code).toBe('CLUSTER_ERR_WATCH_STALLED');
    expect(w.watch.last().controller.signal.aborted).toBe(true);
  });

  it('given a stop while the response headers are awaited, aborts the request and returns stopped', async () => {
    const w = startWatch();
    w.watch.connect = neverAnswers;
    let result: WatchEnd | undefined;
    void w.run().then((end) => (result = end));
    await settle();
    expect(w.watch.last().signal.aborted).toBe(false);
    w.controller.abort();
    await settle();
    expect(result).toEqual({ type: 'stopped' });
    expect(w.watch.last().signal.aborted).toBe(true);
    expect(w.watch.last().controller.signal.aborted).toBe(true);
    expect(w.opened()).toBe(0);
    expect(w.clock.pendingDelays()).toEqual([]);
  });

  it('given a stop while connecting, resolves only after the client lets go of the request', async () => {
    const w = startWatch();
    let connect: () => void = () => undefined;
    w.watch.connect = (call) => new Promise((resolve) => (connect = () => resolve(call.controller)));
    let result: WatchEnd | undefined;
    void w.run().then((end) => (result = end));
    await settle();
    w.controller.abort();
    await settle();
    expect(result).toBeUndefined();
    connect();
    await settle();
    expect(result).toEqual({ type: 'stopped' });
    expect(w.watch.last().controller.signal.aborted).toBe(true);
  });

  it('given no response headers within connectTimeoutMs, aborts the request and returns failed', async () => {
    const w = startWatch();
    w.watch.connect = neverAnswers;
    const ended = w.run();
    await w.clock.advance(499);
    expect(w.watch.last().signal.aborted).toBe(false);
    await w.clock.advance(1);
    const end = await ended;
    expect(end.type === 'failed' && (end.error as ClusterSourceError).message).toBe(
      'WATCH /api/v1/pods: no response headers after 500 ms',
    );
    expect(w.watch.last().signal.aborted).toBe(true);
    expect(w.clock.pendingDelays()).toEqual([]);
  });

  it('given response headers in time, lets the watch run past connectTimeoutMs', async () => {
    const w = startWatch();
    const ended = w.run();
    await w.clock.advance(900);
    w.watch.last().done(null);
    expect((await ended).type).toBe('closed');
  });

  it('given client-node throws before connecting, returns failed', async () => {
    const w = startWatch();
    w.watch.connect = () => Promise.reject(new Error('No currently active cluster'));
    const end = await w.run();
    expect(end.type === 'failed' && (end.error as Error).message).toBe(
      'WATCH /api/v1/pods: No currently active cluster',
    );
  });

  it('given an already aborted signal, returns stopped without a request', async () => {
    const w = startWatch();
    w.controller.abort();
    expect(await w.run()).toEqual({ type: 'stopped' });
    expect(w.watch.calls).toEqual([]);
  });
});
