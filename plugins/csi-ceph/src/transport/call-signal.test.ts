import { EventEmitter } from 'node:events';
import { callEnd } from './call-signal.js';

class FakeCall extends EventEmitter {
  cancelled = false;
  constructor(private readonly deadline: Date | number) {
    super();
  }
  /** As grpc-js does: marks the call cancelled, then tells its listeners. */
  cancel(): void {
    this.cancelled = true;
    this.emit('cancelled', 'cancelled');
  }
  getDeadline(): Date | number {
    return this.deadline;
  }
}

describe('callEnd', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('given a deadline 5 s away, aborts 500 ms before it, not earlier', () => {
    const now = Date.now();
    const end = callEnd(new FakeCall(new Date(now + 5_000)), () => now);
    vi.advanceTimersByTime(4_499);
    expect(end.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(end.signal.aborted).toBe(true);
  });

  it('given no deadline (Infinity), aborts only when the call is cancelled', () => {
    const call = new FakeCall(Number.POSITIVE_INFINITY);
    const end = callEnd(call);
    vi.advanceTimersByTime(24 * 3600_000);
    expect(end.signal.aborted).toBe(false);
    call.cancel();
    expect(end.signal.aborted).toBe(true);
  });

  it('given release, clears the timer and the listener: a later deadline or cancel aborts nothing', () => {
    const call = new FakeCall(Date.now() + 1_000);
    const end = callEnd(call);
    end.release();
    expect(call.listenerCount('cancelled')).toBe(0);
    vi.advanceTimersByTime(2_000);
    call.cancel();
    expect(end.signal.aborted).toBe(false);
  });
});

describe('callEnd once the call has ended', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('given a cancel, clears the deadline timer at once (a handler still running holds none)', () => {
    const call = new FakeCall(Date.now() + 60_000);
    const end = callEnd(call);
    expect(vi.getTimerCount()).toBe(1);
    call.cancel();
    expect(end.signal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    end.release();
  });

  it('given the deadline timer fired, drops the cancel listener at once', () => {
    const call = new FakeCall(Date.now() + 1_000);
    const end = callEnd(call);
    vi.advanceTimersByTime(1_000);
    expect(end.signal.aborted).toBe(true);
    expect(call.listenerCount('cancelled')).toBe(0);
    end.release();
  });
});

describe('callEnd asked for after the call was cancelled', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('given a call cancelled before the handler asked, starts aborted and holds no timer or listener', () => {
    const call = new FakeCall(Date.now() + 60_000);
    call.cancel();
    const end = callEnd(call);
    expect(end.signal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(call.listenerCount('cancelled')).toBe(0);
    end.release();
  });
});
