import type { SnapshotStore } from '@corral/cluster';
import { createLogger, memoryDestination } from '@corral/runtime';
import { buildExtender, type BuildExtenderOptions } from '../build-extender.js';
import type { BindingArgs } from '../transport/bind-envelope.js';

/** A Binder that records its calls and binds nothing. */
export class RecordingBinder {
  readonly bound: BindingArgs[] = [];

  bind(args: BindingArgs): Promise<void> {
    this.bound.push(args);
    return Promise.resolve();
  }
}

/**
 * The extender over `store` with bind on (a RecordingBinder), for tests of the verbs as served:
 * `post(verb, body)` answers the HTTP status and parsed body (a string body is sent as is).
 */
export function testExtender(store: SnapshotStore, options: Partial<BuildExtenderOptions> = {}) {
  const logs = memoryDestination();
  const logger = createLogger({ level: 'info', name: 'extender', destination: logs.stream });
  const binder = new RecordingBinder();
  const extender = buildExtender({ snapshot: store, logger, binder, ...options });
  const post = async (verb: string, body: unknown) => {
    const reply = await extender.app.inject({
      method: 'POST',
      url: `/scheduler/${verb}`,
      payload: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    return { status: reply.statusCode, body: reply.json<Record<string, unknown>>() };
  };
  return { extender, binder, logs, post };
}
