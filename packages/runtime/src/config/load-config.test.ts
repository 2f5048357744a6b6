import { Type } from '@sinclair/typebox';
import { ConfigError } from '../errors.js';
import { listenAddressCheck } from './listen-address.js';
import { loadConfig } from './load-config.js';
import type { LoadConfigOptions } from './types.js';

const schema = Type.Object({
  listen: Type.String({ minLength: 1 }),
  workers: Type.Integer({ minimum: 1 }),
  verbose: Type.Boolean(),
  policies: Type.Array(Type.String()),
  role: Type.Union([Type.Literal('controller'), Type.Literal('node')]),
  tls: Type.Object({ certFile: Type.String(), keyFile: Type.String() }),
  kubeconfig: Type.Optional(Type.String()),
});

const defaults = Object.freeze({
  listen: '0.0.0.0:8443',
  workers: 2,
  verbose: false,
  policies: [],
  role: 'controller' as const,
  tls: { certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' },
});

const flags = {
  listen: 'listen',
  workers: { option: 'workers', short: 'w' },
  verbose: 'verbose',
  policies: 'policies',
  role: 'role',
  'tls-cert': 'tls.certFile',
};

function load(overrides: Partial<LoadConfigOptions<typeof schema>> = {}) {
  return loadConfig({ schema, defaults, flags, envPrefix: 'CORRAL_', argv: [], env: {}, ...overrides });
}

function problemsOf(overrides: Partial<LoadConfigOptions<typeof schema>>): readonly string[] {
  try {
    load(overrides);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const files = (content: Record<string, string>) => (path: string) => {
  const text = content[path];
  if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  return text;
};

describe('loadConfig', () => {
  it('given nothing but defaults, returns the defaults', () => {
    expect(load()).toEqual(defaults);
  });

  it('given a value in every source, returns flags over env over file over defaults', () => {
    const readFile = files({ '/c.yaml': 'listen: file:1\nworkers: 3\nverbose: true\npolicies: [f]\n' });
    const config = load({
      readFile,
      argv: ['--config', '/c.yaml', '--listen', 'flag:1'],
      env: { CORRAL_LISTEN: 'env:1', CORRAL_WORKERS: '4' },
    });
    expect(config).toMatchObject({
      listen: 'flag:1',
      workers: 4,
      verbose: true,
      policies: ['f'],
      role: 'controller',
    });
  });

  it('given the config file in CORRAL_CONFIG, reads it', () => {
    const config = load({ env: { CORRAL_CONFIG: '/c.yaml' }, readFile: files({ '/c.yaml': 'workers: 7' }) });
    expect(config.workers).toBe(7);
  });

  it('given strings for typed options, returns them coerced', () => {
    const config = load({
      argv: ['-w', '8', '--verbose', '--policies', 'a,b', '--policies', 'c', '--role=node'],
      env: { CORRAL_TLS_CERT_FILE: '/other.crt' },
    });
    expect(config).toMatchObject({ workers: 8, verbose: true, policies: ['a', 'b', 'c'], role: 'node' });
    expect(config.tls.certFile).toBe('/other.crt');
  });

  it('given --no-verbose over a true env value, returns false', () => {
    expect(load({ argv: ['--no-verbose'], env: { CORRAL_VERBOSE: 'true' } }).verbose).toBe(false);
  });

  it('given a loaded config, returns it deeply frozen', () => {
    const config = load();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.tls)).toBe(true);
    expect(Object.isFrozen(config.policies)).toBe(true);
  });

  it('given many problems, throws one ConfigError listing every one with its source', () => {
    const problems = problemsOf({
      argv: ['--listn', 'x', '--workers', 'many', '--role', 'both', '--verbose=yes', '--config', '/c.yaml'],
      env: { CORRAL_WORKRS: '3', CORRAL_TLS_KEY_FILE: '' },
      readFile: files({ '/c.yaml': 'tls:\n  certFile: 42\n  keyfile: x\nverbose: maybe\n' }),
    });
    expect(problems).toEqual([
      'unknown flag --listn',
      'unexpected argument "x"',
      'flag --verbose takes no value (got "yes")',
      'env CORRAL_WORKRS: no such setting',
      'file /c.yaml: unknown key "tls.keyfile"',
      'file /c.yaml: verbose: expected true or false, got "maybe"',
      'flag --workers: expected a number, got "many"',
      'flag --role: must be one of: controller, node (got "both")',
    ]);
  });

  it('given the service-link variables Kubernetes sets for a Service named like the prefix, ignores them', () => {
    // A Service `corral` with a port named https, in the pod's namespace (enableServiceLinks: true).
    const env = {
      CORRAL_SERVICE_HOST: '10.96.0.10',
      CORRAL_SERVICE_PORT: '443',
      CORRAL_SERVICE_PORT_HTTPS: '443',
      CORRAL_PORT: 'tcp://10.96.0.10:443',
      CORRAL_PORT_443_TCP: 'tcp://10.96.0.10:443',
      CORRAL_PORT_443_TCP_PROTO: 'tcp',
      CORRAL_PORT_443_TCP_PORT: '443',
      CORRAL_PORT_443_TCP_ADDR: '10.96.0.10',
      CORRAL_METRICS_SERVICE_HOST: '10.96.0.11',
      CORRAL_METRICS_PORT_9090_TCP_ADDR: '10.96.0.11',
      CORRAL_WORKERS: '3',
    };
    expect(load({ env }).workers).toBe(3);
    // Near misses are still typos.
    expect(
      problemsOf({ env: { CORRAL_PORTS: '1', CORRAL_SERVICE_HOSTS: 'x', CORRAL_PORT_443: 'x' } }),
    ).toEqual([
      'env CORRAL_PORT_443: no such setting',
      'env CORRAL_PORTS: no such setting',
      'env CORRAL_SERVICE_HOSTS: no such setting',
    ]);
  });

  it('given a setting typo named like a service link but not valued like one, reports it', () => {
    expect(
      problemsOf({
        env: {
          CORRAL_LISTEN_PORT: '9443',
          CORRAL_ADMIN_SERVICE_HOST: 'admin.example',
          CORRAL_METRICS_SERVICE_PORT: 'http',
          CORRAL_PORT_443_TCP: 'tcp://10.96.0.10:8443',
          CORRAL_PORT_443_TCP_PROTO: 'udp',
          CORRAL_PORT_443_TCP_ADDR: '443',
        },
      }),
    ).toEqual([
      'env CORRAL_ADMIN_SERVICE_HOST: no such setting',
      'env CORRAL_LISTEN_PORT: no such setting',
      'env CORRAL_METRICS_SERVICE_PORT: no such setting',
      'env CORRAL_PORT_443_TCP: no such setting',
      'env CORRAL_PORT_443_TCP_ADDR: no such setting',
      'env CORRAL_PORT_443_TCP_PROTO: no such setting',
    ]);
  });

  it('given the service links of an IPv6 Service, ignores them', () => {
    const env = {
      CORRAL_API_SERVICE_HOST: 'fd00:10:96::a',
      CORRAL_API_SERVICE_PORT: '443',
      CORRAL_API_PORT: 'tcp://[fd00:10:96::a]:443',
      CORRAL_API_PORT_443_TCP: 'tcp://[fd00:10:96::a]:443',
      CORRAL_API_PORT_443_TCP_ADDR: 'fd00:10:96::a',
      CORRAL_DNS_PORT_53_UDP: 'udp://10.96.0.53:53',
      CORRAL_DNS_PORT_53_UDP_PROTO: 'udp',
      CORRAL_WORKERS: '2',
    };
    expect(load({ env }).workers).toBe(2);
  });

  it('given a schema violation, names the source of the offending value', () => {
    expect(problemsOf({ env: { CORRAL_WORKERS: '0' } })).toEqual([
      'env CORRAL_WORKERS: expected integer to be greater or equal to 1 (got 0)',
    ]);
  });

  it('given a required option nobody set, says how to set it', () => {
    const { tls: _tls, ...withoutTls } = defaults;
    expect(problemsOf({ defaults: withoutTls })).toEqual([
      'missing required option "tls" (set the tls.* options)',
    ]);
    expect(problemsOf({ defaults: { ...withoutTls, tls: { keyFile: '/k' } } })).toEqual([
      'missing required option "tls.certFile" (set flag --tls-cert, env CORRAL_TLS_CERT_FILE or "tls.certFile" in the config file)',
    ]);
  });

  it.each([
    ['an unreadable file', {}, /^file \/missing.yaml: cannot be read as YAML: ENOENT/],
    ['invalid YAML', { '/missing.yaml': 'a: [1,\n' }, /^file \/missing.yaml: cannot be read as YAML: /],
    ['a top-level list', { '/missing.yaml': '- a\n' }, /^file \/missing.yaml: top level must be a mapping$/],
  ])('given %s, reports the file problem', (_name, content, expected) => {
    const problems = problemsOf({ argv: ['--config=/missing.yaml'], readFile: files(content) });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('given a flag without a value, reports it', () => {
    expect(problemsOf({ argv: ['--listen'] })).toEqual(['flag --listen needs a value']);
    expect(problemsOf({ argv: ['--listen', '--verbose'] })).toEqual(['flag --listen needs a value']);
  });

  it.each([
    [
      'a value flag twice',
      ['--listen', 'a:1', '--listen=b:2'],
      'flag --listen was given more than once; give it once',
    ],
    [
      'a value flag by its short and long name',
      ['-w', '1', '--workers', '2'],
      'flags -w and --workers both set "workers"; give one',
    ],
    [
      'a switch and its negation',
      ['--verbose', '--no-verbose'],
      'flags --verbose and --no-verbose both set "verbose"; give one',
    ],
    ['a switch twice', ['--verbose', '--verbose'], 'flag --verbose was given more than once; give it once'],
    [
      'the config file twice',
      ['--config', '/a.yaml', '--config', '/b.yaml'],
      'flag --config was given more than once; give it once',
    ],
  ])('given %s, refuses it in one clear problem', (_name, argv, problem) => {
    expect(problemsOf({ argv, readFile: files({ '/a.yaml': '', '/b.yaml': '' }) })).toEqual([problem]);
  });

  it('given a list flag repeated, still gathers every value', () => {
    expect(load({ argv: ['--policies', 'a', '--policies', 'b,c'] }).policies).toEqual(['a', 'b', 'c']);
  });

  it('given rejectUnknownEnv false, ignores unknown prefixed variables', () => {
    expect(load({ env: { CORRAL_SOMETHING_ELSE: '1' }, rejectUnknownEnv: false }).workers).toBe(2);
  });

  it('given a refine hook, reports its cross-field problems', () => {
    const refine = (c: { verbose: boolean; workers: number }) =>
      c.verbose && c.workers > 4 ? ['verbose logging supports at most 4 workers'] : [];
    expect(() => load({ argv: ['--verbose', '-w', '5'], refine })).toThrow(
      /invalid configuration \(1 problem\):\n {2}- verbose logging supports at most 4 workers/,
    );
  });

  it('given option checks, reports failing values with their source alongside other problems', () => {
    const checks = { listen: listenAddressCheck({ allow: ['tcp'] }) };
    expect(problemsOf({ checks, argv: ['--listen', '::1:8443', '--bogus'] })).toEqual([
      'unknown flag --bogus',
      'flag --listen: "::1:8443": put IPv6 addresses in brackets, e.g. [::1]:8443',
    ]);
    expect(problemsOf({ checks, defaults: { ...defaults, listen: 'unix:///x.sock' } })).toEqual([
      'default listen: "unix:///x.sock": a unix socket is not accepted here, use HOST:PORT',
    ]);
    expect(load({ checks, env: { CORRAL_LISTEN: '[::1]:8443' } }).listen).toBe('[::1]:8443');
  });

  it('given a failing load, throws with code RUNTIME_ERR_CONFIG', () => {
    expect(() => load({ argv: ['--nope'] })).toThrow(expect.objectContaining({ code: 'RUNTIME_ERR_CONFIG' }));
  });
});
