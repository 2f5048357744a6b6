import { CSI_DEFAULTS, grpcGraceMs, SHUTDOWN_RESERVE_MS } from './config.js';

describe('grpcGraceMs', () => {
  it('given the default shutdown timeout, leaves the reserve for the steps after the gRPC server', () => {
    expect(grpcGraceMs(CSI_DEFAULTS.shutdownTimeoutMs)).toBe(
      CSI_DEFAULTS.shutdownTimeoutMs - SHUTDOWN_RESERVE_MS,
    );
  });

  it('given a short shutdown timeout, gives the running calls half of it', () => {
    expect(grpcGraceMs(1_000)).toBe(500);
    expect(grpcGraceMs(100)).toBe(50);
  });

  it.each([100, 101, 999, 5_999, 6_000, 6_001, 25_000, 120_000])(
    'given a shutdown timeout of %i ms, returns a grace period strictly below it',
    (timeoutMs) => {
      const grace = grpcGraceMs(timeoutMs);
      expect(grace).toBeGreaterThan(0);
      expect(grace).toBeLessThan(timeoutMs);
    },
  );
});
