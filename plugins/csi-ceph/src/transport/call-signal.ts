/**
 * A call's end as an AbortSignal, for handlers that wait on background work (CreateSnapshot waiting
 * for a clone's flatten): aborted when the client cancels the call (or its connection goes, or
 * grpc-js ends the call at its deadline), and shortly before the deadline (decide/snapshot-flatten.ts:
 * waitBudgetMs) so that the handler's own answer still reaches the caller. `release` clears the timer
 * and the listener once the call has been answered.
 */
import type { Deadline } from '@grpc/grpc-js';
import { waitBudgetMs } from '../decide/snapshot-flatten.js';

/** What a handler is told about the end of its call. */
export interface CallEnd {
  readonly signal: AbortSignal;
  release(): void;
}

/** The part of a grpc-js server call this needs. */
export interface EndingCall {
  getDeadline(): Deadline;
  once(event: 'cancelled', listener: () => void): unknown;
  removeListener(event: 'cancelled', listener: () => void): unknown;
}

export function callEnd(call: EndingCall, now: () => number = Date.now): CallEnd {
  const controller = new AbortController();
  const cancelled = () => controller.abort(new Error('the caller cancelled the call'));
  call.once('cancelled', cancelled);
  const deadline = call.getDeadline();
  const budget = waitBudgetMs(deadline instanceof Date ? deadline.getTime() : deadline, now());
  const timer =
    budget === undefined
      ? undefined
      : setTimeout(() => controller.abort(new Error('the call reached its deadline')), budget);
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      call.removeListener('cancelled', cancelled);
    },
  };
}
