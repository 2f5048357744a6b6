import { ConfigError } from '@corral/runtime';
import { loadExtenderConfig } from './config.js';

describe('loadExtenderConfig', () => {
  it('given only --policies, fills the defaults', () => {
    const config = loadExtenderConfig(['--policies', 'examples'], {});
    expect(config).toMatchObject({
      listen: ':8888',
      systemNamespaces: ['kube-system', 'corral-system'],
      gpuResources: ['nvidia.com/gpu'],
      bind: false,
      assumeTtlMs: 30_000,
      bodyLimitBytes: 10 * 1024 * 1024,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('given flags and env, reads lists and booleans', () => {
    const config = loadExtenderConfig(
      [
        '--kubeconfig',
        '/k',
        '--bind',
        '--system-namespaces',
        'kube-system,ops',
        '--gpu-resources',
        'nvidia.com/gpu,amd.com/gpu',
      ],
      { CORRAL_EXTENDER_LISTEN: '127.0.0.1:9000', CORRAL_EXTENDER_ASSUME_TTL_MS: '60000' },
    );
    expect(config).toMatchObject({
      bind: true,
      assumeTtlMs: 60_000,
      listen: '127.0.0.1:9000',
      systemNamespaces: ['kube-system', 'ops'],
      gpuResources: ['nvidia.com/gpu', 'amd.com/gpu'],
    });
  });

  it.each([['25000'], ['30000']])('given a drain delay of %s ms with a 25 s timeout, rejects it', (drain) => {
    const load = () =>
      loadExtenderConfig(['--policies', 'examples'], {
        CORRAL_EXTENDER_SHUTDOWN_TIMEOUT_MS: '25000',
        CORRAL_EXTENDER_DRAIN_DELAY_MS: drain,
      });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      `CORRAL_EXTENDER_DRAIN_DELAY_MS (${drain}) must be less than CORRAL_EXTENDER_SHUTDOWN_TIMEOUT_MS (25000)`,
    );
  });

  it('given a drain delay below the timeout, accepts it', () => {
    const env = { CORRAL_EXTENDER_SHUTDOWN_TIMEOUT_MS: '5000', CORRAL_EXTENDER_DRAIN_DELAY_MS: '4999' };
    expect(loadExtenderConfig(['--policies', 'examples'], env)).toMatchObject({
      shutdownTimeoutMs: 5000,
      drainDelayMs: 4999,
    });
  });

  it('given several problems, lists every one at once', () => {
    try {
      loadExtenderConfig(['--listen', 'bad', '--body-limit', 'x'], { CORRAL_EXTENDER_NOPE: '1' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('given a unix socket to listen on, rejects it as a config problem (kube-scheduler calls over TCP)', () => {
    expect(() => loadExtenderConfig(['--listen', 'unix:///run/extender.sock'], {})).toThrow(ConfigError);
    try {
      loadExtenderConfig(['--listen', 'unix:///run/extender.sock'], {});
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/listen.*unix socket is not accepted here, use HOST:PORT/),
      ]);
    }
  });

  it.each([
    ['CORRAL_EXTENDER_SHUTDOWN_TIMEOUT_MS', '600001', 'less or equal to 600000'],
    ['CORRAL_EXTENDER_DRAIN_DELAY_MS', '60001', 'less or equal to 60000'],
  ])('given %s=%s, above its maximum, rejects it as the other bounded settings', (variable, value, bound) => {
    const load = () => loadExtenderConfig(['--policies', 'examples'], { [variable]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`env ${variable}: expected integer to be ${bound} (got ${value})`);
  });

  it('given the largest shutdown timeout and drain delay, accepts them', () => {
    const env = { CORRAL_EXTENDER_SHUTDOWN_TIMEOUT_MS: '600000', CORRAL_EXTENDER_DRAIN_DELAY_MS: '60000' };
    expect(loadExtenderConfig(['--policies', 'examples'], env)).toMatchObject({
      shutdownTimeoutMs: 600_000,
      drainDelayMs: 60_000,
    });
  });

  describe('client certificates', () => {
    const policies = ['--policies', 'examples'];
    const pair = ['--tls-cert', '/tls/tls.crt', '--tls-key', '/tls/tls.key'];

    it('given none, leaves them off (the default deploy)', () => {
      const config = loadExtenderConfig(policies, {});
      expect(config.tls).toEqual({});
    });

    it('given --tls-client-ca and --tls-client-name with a serving pair, reads them', () => {
      const argv = [
        ...policies,
        ...pair,
        '--tls-client-ca',
        '/ca/ca.crt',
        '--tls-client-name',
        'kube-scheduler',
      ];
      expect(loadExtenderConfig(argv, {}).tls).toEqual({
        cert: '/tls/tls.crt',
        key: '/tls/tls.key',
        clientCa: '/ca/ca.crt',
        clientName: 'kube-scheduler',
      });
    });

    it('given the client CA from env, reads it as the flag', () => {
      const config = loadExtenderConfig([...policies, ...pair], {
        CORRAL_EXTENDER_TLS_CLIENT_CA: '/ca/ca.crt',
      });
      expect(config.tls.clientCa).toBe('/ca/ca.crt');
    });

    it.each([
      [
        'a client CA without a serving pair',
        ['--tls-client-ca', '/ca/ca.crt'],
        ['--tls-client-ca verifies clients over TLS: it needs --tls-cert and --tls-key'],
      ],
      [
        'a client name without a client CA',
        [...pair, '--tls-client-name', 'kube-scheduler'],
        ['--tls-client-name checks the client certificate: it needs --tls-client-ca'],
      ],
      [
        'a client name alone',
        ['--tls-client-name', 'kube-scheduler'],
        ['--tls-client-name checks the client certificate: it needs --tls-client-ca'],
      ],
      [
        'a client CA with half a pair',
        ['--tls-cert', '/tls/tls.crt', '--tls-client-ca', '/ca/ca.crt'],
        [
          '--tls-cert and --tls-key go together',
          '--tls-client-ca verifies clients over TLS: it needs --tls-cert and --tls-key',
        ],
      ],
    ])('given %s, refuses it saying what is missing', (_name, flags, problems) => {
      try {
        loadExtenderConfig([...policies, ...flags], {});
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems).toEqual(problems);
      }
    });
  });
});
