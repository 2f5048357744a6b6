import type { WatchClient } from '../watch-client.js';

/** One call to the fake `Watch.watch`, with the callbacks client-node would drive. */
export interface FakeWatchCall {
  readonly path: string;
  readonly query: Record<string, unknown>;
  readonly controller: AbortController;
  /** The signal the caller passed to abort the request. */
  readonly signal: AbortSignal;
  event(type: string, object: unknown): void;
  done(err: unknown): void;
}

/**
 * Stands in for client-node's `Watch` in unit tests: records each call and lets the test play the
 * server. `connect` decides how the call's promise settles (default: at once, with the controller).
 */
export class FakeWatch implements WatchClient {
  readonly calls: FakeWatchCall[] = [];
  connect: (call: FakeWatchCall) => Promise<AbortController> = (call) => Promise.resolve(call.controller);

  watch(
    path: string,
    query: Record<string, unknown>,
    callback: (phase: string, apiObj: unknown) => void,
    done: (err: unknown) => void,
    signal: AbortSignal,
  ): Promise<AbortController> {
    const call: FakeWatchCall = {
      path,
      query,
      controller: new AbortController(),
      signal,
      event: (type, object) => callback(type, object),
      done,
    };
    this.calls.push(call);
    return this.connect(call);
  }

  last(): FakeWatchCall {
    const call = this.calls.at(-1);
    if (call === undefined) throw new Error('no watch call yet');
    return call;
  }
}

/** A `connect` whose response headers never arrive: settles only when the request is aborted, as fetch does. */
export function neverAnswers(call: FakeWatchCall): Promise<AbortController> {
  return new Promise((resolve) => {
    call.signal.addEventListener(
      'abort',
      () => {
        call.done(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }));
        resolve(call.controller);
      },
      { once: true },
    );
  });
}
