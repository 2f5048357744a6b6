import { timedCall } from './timed-api-call.js';

describe('timedCall', () => {
  it('given a call that answers in time, returns its answer and aborts nothing', async () => {
    let signal: AbortSignal | undefined;
    const answer = await timedCall(
      'reading Secret ns/tls',
      1000,
      (s) => ((signal = s), {}),
      async () => 'ok',
    );
    expect(answer).toBe('ok');
    expect(signal?.aborted).toBe(false);
  });

  it('given a call that never answers, aborts its request and rejects naming it', async () => {
    let signal: AbortSignal | undefined;
    const never = timedCall(
      'reading Secret ns/tls',
      50,
      (s) => ((signal = s), {}),
      () => new Promise<never>(() => undefined),
    );
    await expect(never).rejects.toThrow('reading Secret ns/tls: no answer within 50 ms');
    expect(signal?.aborted).toBe(true);
  });

  it('given a call that fails, rejects with its error', async () => {
    const failing = timedCall('patching x', 1000, undefined, () => Promise.reject(new Error('HTTP 500')));
    await expect(failing).rejects.toThrow('HTTP 500');
  });
});
