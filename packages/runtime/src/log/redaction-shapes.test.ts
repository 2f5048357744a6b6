import { createLogger, type Logger } from './create-logger.js';
import { memoryDestination } from './memory-destination.js';
import { redactSecrets } from './redaction.js';

// Secrets in shapes the key and text rules did not reach: every value below contains S3CR3T.
const base64 = (text: string) => Buffer.from(text).toString('base64');

class HiddenFields {
  readonly #token = 'tok-S3CR3T';
  toJSON() {
    return { kind: 'credential', token: this.#token };
  }
}

describe('createLogger: secrets in other shapes', () => {
  it.each<[string, (log: Logger) => void]>([
    [
      'a URL object with user info',
      (l) => l.warn({ server: new URL('https://admin:S3CR3T@10.0.0.1:6443/') }),
    ],
    [
      'a URL object on an error',
      (l) => l.error({ err: Object.assign(new Error('x'), { url: new URL('https://u:S3CR3T@h/') }) }),
    ],
    ['an object whose toJSON writes a token', (l) => l.info({ credential: new HiddenFields() })],
    ['an error as a %s format argument', (l) => l.warn('call failed: %s', new Error('sent Bearer S3CR3T'))],
    ['a raw header list', (l) => l.info({ rawHeaders: ['Host', 'h', 'Authorization', 'S3CR3T'] })],
    ['an x-api-key in a raw header list', (l) => l.info({ rawHeaders: ['X-Api-Key', 'S3CR3T'] })],
    ['a cookie in a raw header list', (l) => l.info({ rawHeaders: ['cookie', 'sid=S3CR3T'] })],
    ['a secretKey', (l) => l.info({ secretKey: 'S3CR3T' })],
    ['an aws_secret_access_key', (l) => l.info({ aws_secret_access_key: 'S3CR3T' })],
    ['an accessKey', (l) => l.info({ accessKey: 'S3CR3T' })],
    ['a caKeyPem', (l) => l.info({ ca: { caKeyPem: 'S3CR3T' } })],
    ['a tlsKeyData', (l) => l.info({ tlsKeyData: 'S3CR3T' })],
    ['a cephxKey', (l) => l.info({ cephxKey: 'S3CR3T' })],
    [
      "a Secret's data under any key, in an error's body",
      (l) =>
        l.error({
          err: Object.assign(new Error('HTTP-Code: 203'), {
            body: {
              kind: 'Secret',
              metadata: { name: 'pull' },
              data: { '.dockerconfigjson': base64('{"auths":{"r":{"auth":"S3CR3T"}}}') },
              stringData: { 'config.json': 'S3CR3T' },
            },
          }),
        }),
    ],
    [
      'a SecretList item (no kind)',
      (l) => l.info({ items: [{ metadata: { name: 's' }, type: 'Opaque', data: { id_rsa: 'S3CR3T' } }] }),
    ],
  ])('given %s, never writes the secret', (_name, write) => {
    const sink = memoryDestination();
    write(createLogger({ level: 'info', name: 'test', destination: sink.stream }));
    expect(sink.lines).toHaveLength(1);
    expect(sink.text()).not.toContain('S3CR3T');
    expect(sink.text()).not.toContain(base64('{"auths":{"r":{"auth":"S3CR3T"}}}'));
    expect(sink.text()).toContain('[REDACTED]');
  });

  it('given a URL without user info and a Date, writes them as JSON would', () => {
    const sink = memoryDestination();
    const logger = createLogger({ level: 'info', name: 'test', destination: sink.stream });
    const at = new Date('2030-01-02T03:04:05.000Z');
    logger.info({ server: new URL('https://10.0.0.1:6443/api'), at }, 'x');
    expect(sink.lines[0]).toMatchObject({
      server: 'https://10.0.0.1:6443/api',
      at: '2030-01-02T03:04:05.000Z',
    });
  });

  it('given a Secret, keeps its name and type (only its values go)', () => {
    const sink = memoryDestination();
    const logger = createLogger({ level: 'info', name: 'test', destination: sink.stream });
    logger.info({
      object: { kind: 'Secret', metadata: { name: 'tls' }, type: 'kubernetes.io/tls', data: {} },
    });
    expect(sink.lines[0]).toMatchObject({
      object: { metadata: { name: 'tls' }, type: 'kubernetes.io/tls', data: '[REDACTED]' },
    });
  });
});

describe('redactSecrets: what stays', () => {
  it.each([
    ['a Date', { at: new Date(0) }],
    ['a URL without user info', { server: new URL('https://10.0.0.1:6443/') }],
    ['ordinary key names', { topologyKey: 'zone', labelKey: 'app', publicKey: 'p', keyFile: '/k' }],
    ['an argument list without secret flags', { args: ['rbd', 'map', '--id', 'admin', '--keyfile', '/k'] }],
    ['a header list without secret headers', { rawHeaders: ['Host', 'h', 'Content-Type', 'json'] }],
    ['a ConfigMap (data, no type)', { kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } }],
    ['an Event (a type, no data)', { metadata: { name: 'e' }, type: 'Warning', note: 'n' }],
  ])('given %s, returns the same object (no copy)', (_name, line) => {
    expect(redactSecrets(line)).toBe(line);
  });
});
