import { randomBytes } from 'node:crypto';
import type { EventsV1Event, V1MicroTime, V1ObjectReference } from '@kubernetes/client-node';
import { microTime } from '../leader/lease-record.js';
import type { EventRef, EventToRecord } from './event-types.js';

/** The API's limits on an events.k8s.io/v1 Event. */
export const NOTE_LIMIT_BYTES = 1024;
export const FIELD_LIMIT = 128;
const NAME_PREFIX_LIMIT = 200;

/** The longest start of `text` within `bytes` UTF-8 bytes (never splitting a character). */
function cutBytes(text: string, bytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= bytes) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (used + size > bytes) break;
    out += char;
    used += size;
  }
  return out;
}

/** Clips `text` to at most `bytes` UTF-8 bytes, ending with `…` when clipped (never splitting a character). */
export function clipBytes(text: string, bytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= bytes) return text;
  const ellipsis = '…';
  return cutBytes(text, bytes - Buffer.byteLength(ellipsis, 'utf8')) + ellipsis;
}

/** The API counts a field's length in bytes (Go `len`): reason, action, reportingInstance. */
const field = (text: string): string => cutBytes(text, FIELD_LIMIT);

/** Why an event cannot be recorded, or undefined when it can. */
export function eventProblem(event: EventToRecord): string | undefined {
  if (!event.regarding.kind || !event.regarding.name) return 'the regarding object has no kind or name';
  if (!event.reason) return 'the event has no reason';
  if (!event.action) return 'the event has no action';
  if (event.type !== 'Normal' && event.type !== 'Warning') return `type must be Normal or Warning`;
  const namespace = eventNamespace(event);
  if (!event.regarding.namespace && namespace !== 'default' && namespace !== 'kube-system')
    return `an Event about a cluster-scoped object must live in default or kube-system, not ${namespace}`;
  return undefined;
}

/** The namespace the Event lives in. */
export function eventNamespace(event: EventToRecord): string {
  return event.namespace || event.regarding.namespace || 'default';
}

/** The identity of an occurrence: repeats with the same key fold into one Event's series. */
export function eventKey(event: EventToRecord): string {
  const r = event.regarding;
  return JSON.stringify([
    eventNamespace(event),
    r.apiVersion,
    r.kind,
    r.namespace ?? '',
    r.name,
    r.uid ?? '',
    event.type,
    event.reason,
    event.action,
    // What is written: notes that differ only past it make one Event, and a key stays small.
    clipBytes(event.note, NOTE_LIMIT_BYTES),
  ]);
}

/** The key of the regarding object, for the per-object rate limit. */
export function regardingKey(ref: EventRef): string {
  return `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/**
 * The regarding object's name made a DNS subdomain of at most NAME_PREFIX_LIMIT characters, as an
 * Event's name must be: lower case, other characters as `-`, every dot-separated label starting and
 * ending with a letter or digit. `event` when nothing is left.
 */
function namePrefix(regardingName: string): string {
  const labels = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, '-')
      .split('.')
      .map((label) => label.replace(/^-+|-+$/g, ''))
      .filter((label) => label !== '')
      .join('.');
  return labels(labels(regardingName).slice(0, NAME_PREFIX_LIMIT)) || 'event';
}

/**
 * `<regarding name>.<hex nanoseconds><8 random hex digits>`, unique per call: `seq` keeps one process's
 * names apart, the 32 random bits (crypto) those of replicas writing at the same instant and of a
 * name reused within the API's retention. At most 200 + 1 + 16 + 8 characters.
 */
export function eventName(regardingName: string, nowMs: number, seq: number): string {
  const nanos = BigInt(Math.floor(nowMs)) * 1_000_000n + BigInt(seq % 1_000_000);
  return `${namePrefix(regardingName)}.${nanos.toString(16)}${randomBytes(4).toString('hex')}`;
}

function reference(ref: EventRef): V1ObjectReference {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    name: ref.name,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    ...(ref.uid ? { uid: ref.uid } : {}),
  };
}

export interface BodyContext {
  readonly name: string;
  readonly controller: string;
  readonly instance: string;
  readonly nowMs: number;
}

/** The events.k8s.io/v1 Event to create for the first occurrence. */
export function eventBody(event: EventToRecord, context: BodyContext): EventsV1Event {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: context.name, namespace: eventNamespace(event) },
    // A MicroTime string: client-node passes fields of its V1MicroTime type through as they are.
    eventTime: microTime(context.nowMs) as unknown as V1MicroTime,
    regarding: reference(event.regarding),
    ...(event.related ? { related: reference(event.related) } : {}),
    type: event.type,
    reason: field(event.reason),
    action: field(event.action),
    note: clipBytes(event.note, NOTE_LIMIT_BYTES),
    reportingController: context.controller,
    reportingInstance: field(context.instance),
  };
}

/** The JSON Patch that records a series on an existing Event (`add` replaces an existing member). */
export function seriesPatch(count: number, lastObservedMs: number): object[] {
  return [{ op: 'add', path: '/series', value: { count, lastObservedTime: microTime(lastObservedMs) } }];
}
