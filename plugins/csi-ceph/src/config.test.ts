import { ConfigError } from '@corral/runtime';
import { CSI_DEFAULTS, grpcGraceMs, loadCsiConfig, SHUTDOWN_RESERVE_MS } from './config.js';

const REQUIRED = ['--role', 'controller', '--endpoint', 'unix:///tmp/csi.sock', '--cluster-config', 'c.json'];

describe('loadCsiConfig bounds', () => {
  it.each([
    ['--shutdown-timeout-ms', '600001', 'less or equal to 600000'],
    ['--slow-op-ms', '600001', 'less or equal to 600000'],
  ])('given %s %s, above its maximum, rejects it as the other bounded settings', (flag, value, bound) => {
    const load = () => loadCsiConfig([...REQUIRED, flag, value], {});
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`flag ${flag}: expected integer to be ${bound} (got ${value})`);
  });

  it('given the largest shutdown timeout and slow-op threshold, accepts them', () => {
    const config = loadCsiConfig(
      [...REQUIRED, '--shutdown-timeout-ms', '600000', '--slow-op-ms', '600000'],
      {},
    );
    expect(config).toMatchObject({ shutdownTimeoutMs: 600_000, slowOpMs: 600_000 });
  });
});

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
