import type { IncomingMessage, ServerResponse } from 'node:http';
import { isWatchQuery } from './request-log.js';
import type { ExtraHandler } from './server.js';

/**
 * Breaks the fake API server's watch streams the ways a network, a proxy or a stuck server does,
 * beyond what FakeApiServer offers (drop at an event boundary, clean end, no headers): an event cut
 * in the middle of its line, streams that hang (headers sent, then nothing: no event, no end, not
 * even at timeoutSeconds) and LISTs that hang, and every event line written in two chunks a
 * macrotask apart. Pass `handler` as the server's `extra`; it answers requests itself only while
 * they hang.
 */
export interface WatchTap {
  readonly handler: ExtraHandler;
  /** Writes part of an event line to every open watch stream, then destroys its socket; returns how many. */
  cutMidEvent(): number;
  /**
   * From now on the open streams and every new watch hang; with `lists`, every LIST too (no
   * answer, or headers and the start of the list, then nothing), as when etcd is unreachable. A
   * hung stream never carries another byte (TCP does not lose bytes in the middle of a stream: a
   * stream once stuck stays stuck).
   */
  hang(options?: { lists?: boolean }): void;
  /**
   * Requests are served again. `drop` destroys the hung requests (the connection resets); `stall`
   * leaves them open and silent until the client gives up on them.
   */
  unhang(release: 'drop' | 'stall'): void;
  /** Open watch streams served by the fake (hung ones included). */
  open(): number;
}

interface Tapped {
  readonly res: ServerResponse;
  /** The response's own write (HTTP chunk framing), under the tap's. */
  readonly write: (chunk: string, done?: () => void) => boolean;
  hung: boolean;
  /** Writes still to go out, in order (the second half of a split line waits a macrotask). */
  queue: Promise<void>;
}

const GHOST_EVENT = JSON.stringify({
  type: 'ADDED',
  object: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'ghost', namespace: 'ghost', resourceVersion: '1' },
  },
});

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Given a seeded random number source, returns a tap for one fake API server. */
export function watchTap(random: () => number): WatchTap {
  const streams = new Set<Tapped>();
  const heldLists = new Set<ServerResponse>();
  let hanging = false;
  let hangingLists = false;

  const alive = (t: Tapped): boolean => !t.hung && !t.res.destroyed && !t.res.writableEnded;

  /** Replaces write and end: each line goes out in two chunks, in order; nothing once hung. */
  const tap = (res: ServerResponse): Tapped => {
    const write = res.write.bind(res) as Tapped['write'];
    const t: Tapped = { res, write, hung: hanging, queue: Promise.resolve() };
    const end = res.end.bind(res) as () => ServerResponse;
    const later = (step: () => void) => {
      t.queue = t.queue.then(nextTurn).then(() => {
        if (alive(t)) step();
      });
    };
    res.write = ((chunk: unknown) => {
      if (!alive(t)) return true;
      const text = String(chunk);
      const at = 1 + Math.floor(random() * Math.max(1, text.length - 1));
      later(() => write(text.slice(0, at)));
      later(() => write(text.slice(at)));
      return true;
    }) as ServerResponse['write'];
    res.end = ((chunk?: unknown) => {
      // A Status answer (410, 400...) comes whole with end(); only event lines are split.
      if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) later(() => write(String(chunk)));
      later(() => end());
      return res;
    }) as ServerResponse['end'];
    streams.add(t);
    res.on('close', () => streams.delete(t));
    return t;
  };

  const hangNew = (res: ServerResponse): void => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const t = tap(res);
    t.hung = true;
  };

  return {
    handler(_req: IncomingMessage, res: ServerResponse, url: URL) {
      if (!isWatchQuery(url.searchParams)) {
        if (!hangingLists) return false;
        // No answer at all, or headers and the start of the list, then nothing.
        if (random() < 0.5) {
          res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
          res.write('{"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[');
        }
        heldLists.add(res);
        res.on('close', () => heldLists.delete(res));
        return true;
      }
      if (hanging) {
        hangNew(res);
        return true;
      }
      tap(res);
      return false;
    },
    cutMidEvent() {
      let cut = 0;
      for (const t of streams) {
        if (!alive(t)) continue;
        // Cut strictly inside the line: what arrives can never parse as an event.
        const at = 1 + Math.floor(random() * (GHOST_EVENT.length - 2));
        t.queue = t.queue.then(() => {
          if (!alive(t)) return;
          t.write(GHOST_EVENT.slice(0, at), () => t.res.socket?.destroy());
          t.hung = true;
        });
        cut += 1;
      }
      return cut;
    },
    hang(options = {}) {
      hanging = true;
      hangingLists = options.lists === true;
      for (const t of streams) t.hung = true;
    },
    unhang(release) {
      hanging = false;
      hangingLists = false;
      if (release === 'stall') return;
      for (const t of streams) if (t.hung) t.res.socket?.destroy();
      for (const res of heldLists) res.socket?.destroy();
    },
    open: () => streams.size,
  };
}
