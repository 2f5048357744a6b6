/**
 * A call's end as an AbortSignal, for handlers that wait on background work (CreateSnapshot waiting
 * for a clone's flatten): aborted when the client cancels the call (or its connection goes, or
 * grpc-js ends the call at its deadline), and shortly before the deadline (decide/snapshot-flatten.ts:
 * waitBudgetMs) so that the handler's own answer still reaches the caller. `release` clears the timer
 * and the listener once the call has been answered; either end clears the other's too. Built when a
 * handler first asks for it (call-chain.ts), which may be after the caller cancelled: then it starts
 * aborted.
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
  /** Has the call already been cancelled (by the caller, its connection, or its deadline)? */
  readonly cancelled: boolean;
  getDeadline(): Deadline;
  once(event: 'cancelled', listener: () => void): unknown;
  removeListener(event: 'cancelled', listener: () => void): unknown;
}

export function callEnd(call: EndingCall, now: () => number = Date.now): CallEnd {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Whichever end comes first also drops the other's timer or listener: a handler still running
  // after its call ended (or after release) holds neither.
  const release = () => {
    clearTimeout(timer);
    call.removeListener('cancelled', cancelled);
  };
  const end = (reason: string) => {
    release();
    controller.abort(new Error(reason));
  };
  const cancelled = () => end('the caller cancelled the call');
  if (call.cancelled) {
    controller.abort(new Error('the caller cancelled the call'));
    return { signal: controller.signal, release: () => {} };
  }
  call.once('cancelled', cancelled);
  const deadline = call.getDeadline();
  const budget = waitBudgetMs(deadline instanceof Date ? deadline.getTime() : deadline, now());
  if (budget !== undefined) timer = setTimeout(() => end('the call reached its deadline'), budget);
  return { signal: controller.signal, release };
}
