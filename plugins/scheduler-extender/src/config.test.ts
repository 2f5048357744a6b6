import { ConfigError } from '@corral/runtime';
import { loadExtenderConfig } from './config.js';

describe('loadExtenderConfig', () => {
  it('given only --policies, fills the defaults', () => {
    const config = loadExtenderConfig(['--policies', 'examples'], {});
    expect(config).toMatchObject({
      listen: '0.0.0.0:8888',
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

  it('given several problems, lists every one at once', () => {
    try {
      loadExtenderConfig(['--listen', 'bad', '--body-limit', 'x'], { CORRAL_EXTENDER_NOPE: '1' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.length).toBeGreaterThanOrEqual(3);
    }
  });
});
