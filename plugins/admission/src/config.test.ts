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

describe('loadAdmissionConfig: client certificates (--tls-client-ca, --tls-client-name)', () => {
  const PAIR = ['--tls-cert', '/tls/tls.crt', '--tls-key', '/tls/tls.key'];
  const BOOTSTRAP = ['--in-cluster', ...PAIR, '--tls-bootstrap-secret', 'corral-admission-tls'];

  it.each([
    ['a CA with the serving pair', ['--policies', 'p', ...PAIR, '--tls-client-ca', '/ca.crt'], []],
    [
      'a CA and a name with the serving pair',
      ['--policies', 'p', ...PAIR, '--tls-client-ca', '/ca.crt', '--tls-client-name', 'kube-apiserver'],
      [],
    ],
    [
      'a CA and a name with the certificate bootstrap',
      [...BOOTSTRAP, '--tls-client-ca', '/ca.crt', '--tls-client-name', 'kube-apiserver'],
      [],
    ],
    [
      'a CA without the serving pair',
      ['--policies', 'p', '--tls-client-ca', '/ca.crt'],
      ['--tls-client-ca verifies clients over TLS: it needs --tls-cert and --tls-key'],
    ],
    [
      'a CA with only --tls-cert',
      ['--policies', 'p', '--tls-cert', '/c', '--tls-client-ca', '/ca.crt'],
      [
        'give both --tls-cert and --tls-key (or neither, for plain HTTP in local tests)',
        '--tls-client-ca verifies clients over TLS: it needs --tls-cert and --tls-key',
      ],
    ],
    [
      'a name without a CA',
      ['--policies', 'p', ...PAIR, '--tls-client-name', 'kube-apiserver'],
      ['--tls-client-name checks the client certificate: it needs --tls-client-ca'],
    ],
    [
      'a name without a CA, with the certificate bootstrap',
      [...BOOTSTRAP, '--tls-client-name', 'kube-apiserver'],
      ['--tls-client-name checks the client certificate: it needs --tls-client-ca'],
    ],
    [
      'a name alone',
      ['--policies', 'p', '--tls-client-name', 'kube-apiserver'],
      ['--tls-client-name checks the client certificate: it needs --tls-client-ca'],
    ],
  ])('given %s, reports %j', (_name, argv, problems) => {
    if (problems.length === 0) {
      expect(() => loadAdmissionConfig(argv, {})).not.toThrow();
      return;
    }
    try {
      loadAdmissionConfig(argv, {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual(problems);
    }
  });

  it('given the flags, reads them into tls.clientCa and tls.clientName', () => {
    const config = loadAdmissionConfig(
      ['--policies', 'p', ...PAIR, '--tls-client-ca', '/ca.crt', '--tls-client-name', 'kube-apiserver'],
      {},
    );
    expect(config.tls).toEqual({
      cert: '/tls/tls.crt',
      key: '/tls/tls.key',
      clientCa: '/ca.crt',
      clientName: 'kube-apiserver',
    });
  });

  it('given the variables, reads them as the other settings', () => {
    const config = loadAdmissionConfig(['--policies', 'p', ...PAIR], {
      CORRAL_ADMISSION_TLS_CLIENT_CA: '/env/ca.crt',
      CORRAL_ADMISSION_TLS_CLIENT_NAME: 'kube-apiserver',
    });
    expect(config.tls).toMatchObject({ clientCa: '/env/ca.crt', clientName: 'kube-apiserver' });
  });

  it('given none, leaves client certificates off', () => {
    expect(loadAdmissionConfig(['--policies', 'p', ...PAIR], {}).tls).toEqual({
      cert: '/tls/tls.crt',
      key: '/tls/tls.key',
    });
  });
});
