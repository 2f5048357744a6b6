import type { EventsV1Event, V1ObjectReference } from '@kubernetes/client-node';
import { statusOf } from '../leader/lease-client.js';
import type { EventsApi } from './events-api.js';

/** AlreadyExists: an Event of that name exists. */
const CONFLICT = 409;
const NOT_FOUND = 404;

/** How one try to create an Event may go on after a 409 AlreadyExists. */
export interface CreateTry {
  /** False once the caller has given the try up (its deadline passed): nothing more is sent then. */
  live(): boolean;
  /** A fresh name, when the Event's own is held by someone else's Event; the caller keeps it from then on. */
  rename(): string;
}

export interface Created {
  /** The name the Event has in the API. */
  readonly name: string;
  /** It was already there: an earlier create of ours that landed but whose answer never came. */
  readonly found: boolean;
}

const reference = (ref: V1ObjectReference | undefined): string[] =>
  ref === undefined
    ? []
    : [ref.apiVersion ?? '', ref.kind ?? '', ref.namespace ?? '', ref.name ?? '', ref.uid ?? ''];

const instant = (value: unknown): number =>
  value instanceof Date ? value.getTime() : Date.parse(typeof value === 'string' ? value : '');

/**
 * Whether `stored` is the Event we sent as `sent`: the same regarding and related objects, type,
 * reason, action, note and reportingController, and our own marks: reportingInstance (this pod) and
 * eventTime (our first occurrence, to the microsecond). No other writer makes all of these the same
 * under the same name (which carries 32 random bits).
 */
export function isSameEvent(stored: EventsV1Event, sent: EventsV1Event): boolean {
  const identity = (event: EventsV1Event) =>
    JSON.stringify([
      reference(event.regarding),
      reference(event.related),
      event.type ?? '',
      event.reason ?? '',
      event.action ?? '',
      event.note ?? '',
      event.reportingController ?? '',
      event.reportingInstance ?? '',
    ]);
  return identity(stored) === identity(sent) && instant(stored.eventTime) === instant(sent.eventTime);
}

async function readEvent(
  api: EventsApi,
  namespace: string,
  name: string,
): Promise<EventsV1Event | undefined> {
  try {
    return await api.readNamespacedEvent({ name, namespace });
  } catch (err) {
    if (statusOf(err) === NOT_FOUND) return undefined;
    throw err;
  }
}

/**
 * Creates `body` under its own name, which the caller keeps for every try of this Event, so that a
 * try whose answer never came (the API may have stored it) and the next one cannot make two Events.
 * A 409 AlreadyExists is therefore read back: when the Event there is ours (isSameEvent), the create
 * is done; when it is someone else's (or gone again), the Event is created once more under a fresh
 * name. A second 409 is thrown, as is any other failure.
 */
export async function createEvent(
  api: EventsApi,
  namespace: string,
  body: EventsV1Event,
  attempt: CreateTry,
): Promise<Created> {
  const name = body.metadata?.name ?? '';
  try {
    await api.createNamespacedEvent({ namespace, body });
    return { name, found: false };
  } catch (err) {
    if (statusOf(err) !== CONFLICT || !attempt.live()) throw err;
  }
  const stored = await readEvent(api, namespace, name);
  if (stored !== undefined && isSameEvent(stored, body)) return { name, found: true };
  if (!attempt.live()) throw new Error(`the create of Event ${namespace}/${name} was given up`);
  const fresh = attempt.rename();
  await api.createNamespacedEvent({
    namespace,
    body: { ...body, metadata: { ...body.metadata, name: fresh } },
  });
  return { name: fresh, found: false };
}
