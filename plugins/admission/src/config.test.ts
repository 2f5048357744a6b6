import { ConfigError } from '@corral/runtime';
import { loadAdmissionConfig } from './config.js';

describe('loadAdmissionConfig', () => {
  it('given only --policies, returns the documented defaults, frozen', () => {
    const config = loadAdmissionConfig(['--policies', 'examples'], {});
    expect(config).toMatchObject({
      policies: 'examples',
      listen: ':8443',
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

  it.each([['25000'], ['30000']])('given --drain-delay-ms %s with a 25 s timeout, rejects it', (drain) => {
    const load = () =>
      loadAdmissionConfig(
        ['--policies', 'examples', '--shutdown-timeout-ms', '25000', '--drain-delay-ms', drain],
        {},
      );
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`--drain-delay-ms (${drain}) must be less than --shutdown-timeout-ms (25000)`);
  });

  it('given --department-editors and --scheduler-name, reads them; a malformed editor is refused', () => {
    const config = loadAdmissionConfig(
      [
        '--policies',
        'p',
        '--department-editors',
        'group:platform-admins,user:ops-bot',
        '--scheduler-name',
        'corral-scheduler',
      ],
      {},
    );
    expect(config).toMatchObject({
      departmentEditors: ['group:platform-admins', 'user:ops-bot'],
      schedulerName: 'corral-scheduler',
    });
    expect(() =>
      loadAdmissionConfig(['--policies', 'p', '--department-editors', 'platform-admins'], {}),
    ).toThrow(/departmentEditors|department-editors/);
  });

  it('given a drain delay below the timeout, accepts it', () => {
    const argv = ['--policies', 'examples', '--shutdown-timeout-ms', '5000', '--drain-delay-ms', '4999'];
    expect(loadAdmissionConfig(argv, {})).toMatchObject({ shutdownTimeoutMs: 5000, drainDelayMs: 4999 });
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

describe('loadAdmissionConfig: the certificate bootstrap', () => {
  it('given no --tls-bootstrap-secret, leaves it off with the defaults deploy/ relies on', () => {
    const config = loadAdmissionConfig(['--policies', 'examples'], {});
    expect(config.tlsBootstrap).toEqual({
      namespace: 'corral-system',
      service: 'corral-admission',
      dnsNames: [],
      mutatingWebhooks: ['corral-admission'],
      validatingWebhooks: ['corral-admission'],
      caValidityDays: 3650,
      certValidityDays: 365,
      resyncSeconds: 60,
    });
  });

  it('given the flags of deploy/default, turns it on', () => {
    const config = loadAdmissionConfig(
      [
        '--in-cluster',
        '--tls-cert=/tls/tls.crt',
        '--tls-key=/tls/tls.key',
        '--tls-bootstrap-secret=corral-admission-tls',
        '--tls-dns-names=webhook.example.com',
        '--tls-validating-webhooks=a,b',
      ],
      { CORRAL_ADMISSION_TLS_BOOTSTRAP_NAMESPACE: 'ops' },
    );
    expect(config.tlsBootstrap).toMatchObject({
      secret: 'corral-admission-tls',
      namespace: 'ops',
      dnsNames: ['webhook.example.com'],
      validatingWebhooks: ['a', 'b'],
    });
  });

  it('given the bootstrap without files, without a cluster and with a too long certificate, lists all three', () => {
    try {
      loadAdmissionConfig(
        ['--policies', 'p', '--tls-bootstrap-secret', 's', '--tls-cert-validity-days', '1300'],
        {},
      );
      expect.unreachable();
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/needs --tls-cert and --tls-key/);
      expect(problems).toMatch(/needs a cluster/);
      expect(problems).toMatch(/at most a third of --tls-ca-validity-days/);
    }
  });

  it('given a Secret name that is not a DNS name, says which option is wrong', () => {
    expect(() => loadAdmissionConfig(['--in-cluster', '--tls-bootstrap-secret', 'Not_A_Name'], {})).toThrow(
      /tls-bootstrap-secret|tlsBootstrap\.secret/,
    );
  });

  it.each([
    ['--shutdown-timeout-ms', '600001', 'less or equal to 600000'],
    ['--drain-delay-ms', '60001', 'less or equal to 60000'],
  ])('given %s %s, above its maximum, rejects it as the other bounded settings', (flag, value, bound) => {
    const load = () => loadAdmissionConfig(['--policies', 'examples', flag, value], {});
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`flag ${flag}: expected integer to be ${bound} (got ${value})`);
  });
});
