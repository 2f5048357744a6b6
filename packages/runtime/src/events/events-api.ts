import type { EventsV1Api, KubeConfig } from '@kubernetes/client-node';
import { abortableCall } from '../abortable-call.js';

/**
 * The three calls the event recorder makes (RBAC: create, patch and get on events.k8s.io events):
 * create an Event, patch its series, and read one back only when a create was answered 409
 * AlreadyExists (to tell our own earlier create, which landed unanswered, from someone else's Event).
 */
export type EventsApi = Pick<
  EventsV1Api,
  'createNamespacedEvent' | 'patchNamespacedEvent' | 'readNamespacedEvent'
>;

/**
 * The Events API from a kubeconfig (client-node loads only when a cluster is configured). Each HTTP
 * request is aborted after `timeoutMs` (default 10 s, the recorder's call timeout), so that a write
 * the recorder has given up does not hold a connection for ever.
 */
export async function eventsApiFrom(
  kubeConfig: KubeConfig,
  options: { timeoutMs?: number } = {},
): Promise<EventsApi> {
  const { EventsV1Api, Observable } = await import('@kubernetes/client-node');
  const api = kubeConfig.makeApiClient(EventsV1Api);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const call = () => abortableCall(AbortSignal.timeout(timeoutMs), Observable);
  return {
    createNamespacedEvent: (param) => api.createNamespacedEvent(param, call()),
    patchNamespacedEvent: (param) => api.patchNamespacedEvent(param, call()),
    readNamespacedEvent: (param) => api.readNamespacedEvent(param, call()),
  } as EventsApi;
}
