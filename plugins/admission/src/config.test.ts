import { ConfigError } from '@corral/runtime';
import { loadAdmissionConfig } from './config.js';

describe('loadAdmissionConfig', () => {
  it('given only --policies, returns the documented defaults, frozen', () => {
    const config = loadAdmissionConfig(['--policies', 'examples'], {});
    expect(config).toMatchObject({
      policies: 'examples',
      listen: '0.0.0.0:8443',
      systemNamespaces: ['kube-system', 'corral-system'],
      deadlineMs: 8000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('given flags and env, applies them (flags win)', () => {
    const config = loadAdmissionConfig(
      [
        '--kubeconfig',
        '/k',
        '--system-namespaces',
        'kube-system,ops',
        '--tls-cert',
        '/c',
        '--tls-key',
        '/k2',
      ],
      { CORRAL_ADMISSION_DEADLINE_MS: '2500', CORRAL_ADMISSION_SYSTEM_NAMESPACES: 'x' },
    );
    expect(config.systemNamespaces).toEqual(['kube-system', 'ops']);
    expect(config.deadlineMs).toBe(2500);
    expect(config.tls).toEqual({ cert: '/c', key: '/k2' });
  });

  it('given several bad values, lists every problem at once', () => {
    try {
      loadAdmissionConfig(['--policies', 'p', '--listen', 'x', '--deadline-ms', '10'], {
        CORRAL_ADMISSION_NOPE: '1',
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/listen/);
      expect(problems).toMatch(/deadline/i);
      expect(problems).toMatch(/CORRAL_ADMISSION_NOPE/);
    }
  });
});
