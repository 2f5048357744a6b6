import type { EventsV1Event } from '@kubernetes/client-node';
import type { Clock } from '../../leader/clock.js';
import { FakeApiError } from '../../leader/__fixtures__/memory-leases.js';
import type { EventsApi } from '../event-recorder.js';

export interface Call {
  readonly verb: 'create' | 'patch' | 'get';
  readonly namespace: string;
  readonly name: string;
  readonly body: unknown;
}

const never = () => new Promise<never>(() => undefined);

/** Events kept in memory; every call recorded; failures and latency set by the test. */
export class MemoryEvents {
  readonly events = new Map<string, EventsV1Event>();
  readonly calls: Call[] = [];
  failWith: number | undefined;
  latencyMs = 0;
  /** Calls never answer while set (a hung connection). */
  hang = false;
  /**
   * Writes are committed but never answered while set: the API server stored the create or patch,
   * and its answer came too late for the client (which gives the call up at its timeout).
   */
  answerLost = false;
  /** Seconds sent as Retry-After with `failWith` (as kube-apiserver does on 429). */
  retryAfterSeconds: number | undefined;

  constructor(private readonly clock: Clock) {}

  private async delay(): Promise<void> {
    if (this.hang) await never();
    if (this.latencyMs > 0) await new Promise<void>((resolve) => this.clock.after(this.latencyMs, resolve));
    if (this.failWith !== undefined) {
      const headers: Record<string, string> =
        this.retryAfterSeconds === undefined ? {} : { 'retry-after': String(this.retryAfterSeconds) };
      throw new FakeApiError(this.failWith, headers);
    }
  }

  /** After a committed write: the answer, unless it is lost. */
  private async answer<T>(value: T): Promise<T> {
    if (this.answerLost) await never();
    return value;
  }

  api(): EventsApi {
    return {
      createNamespacedEvent: async ({ namespace, body }) => {
        const name = body.metadata?.name ?? '';
        this.calls.push({ verb: 'create', namespace, name, body: JSON.parse(JSON.stringify(body)) });
        await this.delay();
        if (this.events.has(`${namespace}/${name}`)) throw new FakeApiError(409);
        const stored = JSON.parse(JSON.stringify(body)) as EventsV1Event;
        this.events.set(`${namespace}/${name}`, stored);
        return this.answer(stored);
      },
      patchNamespacedEvent: async ({ namespace, name, body }) => {
        this.calls.push({ verb: 'patch', namespace, name, body });
        await this.delay();
        const current = this.events.get(`${namespace}/${name}`);
        if (current === undefined) throw new FakeApiError(404);
        const [op] = body as { value: EventsV1Event['series'] }[];
        current.series = op?.value as EventsV1Event['series'];
        return this.answer(current);
      },
      readNamespacedEvent: async ({ namespace, name }) => {
        this.calls.push({ verb: 'get', namespace, name, body: undefined });
        await this.delay();
        const current = this.events.get(`${namespace}/${name}`);
        if (current === undefined) throw new FakeApiError(404);
        return JSON.parse(JSON.stringify(current)) as EventsV1Event;
      },
    } as EventsApi;
  }
}
