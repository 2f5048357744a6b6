import { parseGoDuration } from './go-duration.js';
import { RequestDeadline } from './request-deadline.js';
import { effectiveDeadlineMs, withAdmission, type InnerHandler } from './with-admission.js';
import { loadAdmissionReview } from '../../../../test/support/fixtures.js';

describe('parseGoDuration', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['1500us', 1.5],
    ['30s0ms', 30_000],
    ['.5s', 500],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 6);
  });

  it.each(['', '10', 's', '-1s', '10 s', '1d', '10s ', 'ten', '1e3s', `${'1'.repeat(70)}s`])(
    'refuses %j',
    (text) => {
      expect(parseGoDuration(text)).toBeUndefined();
    },
  );
});

describe('effectiveDeadlineMs', () => {
  it('given no API timeout, keeps the configured deadline', () => {
    expect(effectiveDeadlineMs(8000)).toBe(8000);
    expect(effectiveDeadlineMs(8000, 0)).toBe(8000);
  });

  it('given an API timeout that leaves less, answers a tenth (>= 100 ms) before it', () => {
    expect(effectiveDeadlineMs(8000, 10_000)).toBe(8000);
    expect(effectiveDeadlineMs(8000, 5_000)).toBe(4_500);
    expect(effectiveDeadlineMs(8000, 500)).toBe(400);
    expect(effectiveDeadlineMs(8000, 50)).toBe(0);
  });
});

describe('RequestDeadline', () => {
  it('given its signal read before the deadline, aborts it when the review expires', () => {
    const deadline = new RequestDeadline(Date.now() + 60_000);
    const { signal } = deadline;
    expect(signal.aborted).toBe(false);
    deadline.expire();
    expect(signal.aborted).toBe(true);
  });

  it('given its signal first read after the deadline, hands out an aborted one', () => {
    expect(new RequestDeadline(Date.now() - 1).signal.aborted).toBe(true);
    const expired = new RequestDeadline(Date.now() + 60_000);
    expired.expire();
    expect(expired.signal.aborted).toBe(true);
  });
});

describe('withAdmission and the deadline', () => {
  const body = loadAdmissionReview('admission-validating-pods-create-1');
  const options = { deadlineMs: 5_000, failOpen: () => false };

  it('given async rules that outlive the API timeout, answers before it and aborts their signal', async () => {
    let seen: AbortSignal | undefined;
    const hanging: InnerHandler = (_request, _review, deadline) => {
      seen = deadline.signal;
      return new Promise(() => undefined);
    };
    const started = Date.now();
    const out = await withAdmission(body, hanging, options, 300);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(1_000);
    expect(out.review.response.status?.code).toBe(500);
    expect(out.failure?.message).toMatch(/200 ms/);
    expect(seen?.aborted).toBe(true);
  });

  it('given rules that finish in time, leaves their signal alone', async () => {
    let seen: AbortSignal | undefined;
    const quick: InnerHandler = async (_request, _review, deadline) => {
      seen = deadline.signal;
      return { decisions: [] };
    };
    const out = await withAdmission(body, quick, options, 10_000);
    expect(out.review.response.allowed).toBe(true);
    expect(seen?.aborted).toBe(false);
  });
});
