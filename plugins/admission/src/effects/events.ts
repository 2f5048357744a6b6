import { hostname } from 'node:os';
import {
  createEventRecorder,
  eventsApiFrom,
  type EventRecorder,
  type EventRecorderOptions,
} from '@corral/runtime';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Decision } from '../decide/decision.js';
import { admissionEvents } from '../decide/events.js';
import type { AdmissionRequest } from '../decide/request.js';

/** The parts of an answered review the hook reads (the transport's `Answer` has them). */
export interface AnsweredReview {
  readonly request: AdmissionRequest;
  readonly review: { readonly response: { readonly allowed: boolean } };
  readonly decisions: readonly Decision[];
}

/**
 * The `onAnswer` hook that turns answered reviews into Kubernetes Events (which ones: decide/events.ts).
 * It only queues them in the recorder, which never waits on the API, and it never throws: the review
 * has already been answered and nothing here may affect it.
 */
export function recordAdmissionEvents(
  recorder: Pick<EventRecorder, 'record'>,
  logger?: Logger,
): (webhook: string, answer: AnsweredReview) => void {
  return (webhook, answer) => {
    try {
      const events = admissionEvents({
        webhook,
        request: answer.request,
        decisions: answer.decisions,
        allowed: answer.review.response.allowed,
      });
      for (const event of events) recorder.record(event);
    } catch (err) {
      logger?.warn({ err, uid: answer.request.uid }, 'could not derive Kubernetes Events from a review');
    }
  };
}

/** `reportingController` of the admission service's Events. */
export const ADMISSION_CONTROLLER = 'corral.dev/admission';

export interface AdmissionEvents {
  /** The hook for buildAdmissionServer's `onAnswer`. */
  readonly onAnswer: (webhook: string, answer: AnsweredReview) => void;
  /** Writes what is pending (series counts included) and stops. */
  stop(): Promise<void>;
}

export interface AdmissionEventsOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /** Registers `corral_kube_events_written_total` and `corral_kube_events_dropped_total` here. */
  readonly registry?: Registry;
  /** `reportingInstance`; default the host name (the pod name in a cluster). */
  readonly instance?: string;
  /** Recorder tuning (tests). */
  readonly recorder?: Omit<EventRecorderOptions, 'api' | 'controller' | 'instance' | 'logger' | 'registry'>;
}

/** Kubernetes Events for the admission service, written through the API of `kubeConfig`. */
export async function startAdmissionEvents(options: AdmissionEventsOptions): Promise<AdmissionEvents> {
  const recorder = createEventRecorder({
    ...options.recorder,
    api: await eventsApiFrom(options.kubeConfig),
    controller: ADMISSION_CONTROLLER,
    instance: options.instance ?? hostname(),
    logger: options.logger,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  return { onAnswer: recordAdmissionEvents(recorder, options.logger), stop: () => recorder.stop() };
}
