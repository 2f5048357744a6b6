import { createLogger, requestLogger, type Logger } from './create-logger.js';
import { memoryDestination } from './memory-destination.js';
import { redactSecrets } from './redaction.js';

describe('redactSecrets', () => {
  it('given an object without secrets, returns the same object (no copy)', () => {
    const line = { method: 'POST', route: '/mutate', nested: { list: [1, { a: 'b' }] } };
    expect(redactSecrets(line)).toBe(line);
  });

  it('given an object deeper than the depth searched, replaces it (it might hold a secret)', () => {
    expect(redactSecrets({ a: { token: 'x' }, n: 1 }, 0)).toEqual({ a: '[TOO DEEP]', n: 1 });
    expect(redactSecrets({ a: { token: 'x' } }, 1)).toEqual({ a: { token: '[REDACTED]' } });
  });

  it.each([
    ['Authorization'],
    ['Proxy-Authorization'],
    ['Cookie'],
    ['x-api-key'],
    ['apiKey'],
    ['bearerToken'],
    ['accessToken'],
    ['client-key-data'],
    ['kubeconfig'],
    ['tlsKey'],
    ['userkey'],
    ['DB_PASSWORD'],
  ])('given the key %s (any spelling), censors its value', (key) => {
    expect(redactSecrets({ [key]: 'v', other: 'w' })).toEqual({ [key]: '[REDACTED]', other: 'w' });
  });

  it.each([['topologyKey'], ['labelKey'], ['secretName'], ['keyFile']])(
    'given the ordinary key %s, keeps its value',
    (key) => {
      const line = { [key]: 'v' };
      expect(redactSecrets(line)).toBe(line);
    },
  );

  it('given an argument list, censors the argument after a secret flag only', () => {
    expect(redactSecrets({ args: ['rbd', 'map', '--key', 'AQB', '--id', 'admin'] })).toEqual({
      args: ['rbd', 'map', '--key', '[REDACTED]', '--id', 'admin'],
    });
  });

  it('given bytes (a Buffer, any typed array), writes their length only: they may hold anything', () => {
    // Node's client errors carry the raw request (`rawPacket`), Authorization header and all.
    const raw = Buffer.from('GET / HTTP/1.1\r\nAuthorization: Bearer S3CR3T\r\n');
    expect(redactSecrets({ err: { code: 'HPE_INVALID_HEADER_TOKEN', rawPacket: raw } })).toEqual({
      err: { code: 'HPE_INVALID_HEADER_TOKEN', rawPacket: `[${raw.length} bytes]` },
    });
    expect(redactSecrets({ list: [new Uint8Array(3), new ArrayBuffer(2)] })).toEqual({
      list: ['[3 bytes]', '[2 bytes]'],
    });
  });

  it('given an object with a secret, returns a redacted copy and leaves the original untouched', () => {
    const original = { volume: { secrets: { userKey: 'k' } }, items: [{ password: 'p' }, 'x'] };
    const redacted = redactSecrets(original);
    expect(redacted).toEqual({ volume: { secrets: '[REDACTED]' }, items: [{ password: '[REDACTED]' }, 'x'] });
    expect(original.volume.secrets.userKey).toBe('k');
    expect(original.items[0]).toEqual({ password: 'p' });
  });
});

describe('createLogger', () => {
  // Every secret value contains the marker S3CR3T; no line may ever contain it.
  const secretCases: [string, Record<string, unknown>][] = [
    ['a top-level password', { password: 'hunter2-S3CR3T' }],
    ['a CSI userKey three levels deep', { req: { volume: { ctx: { userKey: 'AQB-S3CR3T==' } } } }],
    [
      'a whole secrets map',
      { request: { volume: { secrets: { userID: 'admin', userKey: 'AQB-S3CR3T==' } } } },
    ],
    ['a keyring value', { ceph: { keyring: '[client.admin]\nkey = AQB-S3CR3T==' } }],
    ['a request authorization header', { req: { headers: { authorization: 'Bearer S3CR3T' } } }],
    ['a cookie header', { headers: { cookie: 'session=S3CR3T' } }],
    ['a token in an array element', { items: [{ token: 'tok-S3CR3T' }] }],
    ['an adminKey five levels deep', { a: { b: { c: { d: { e: { adminKey: 'AQB-S3CR3T' } } } } } }],
    ['a key in an error', { err: Object.assign(new Error('boom'), { key: 'private-S3CR3T' }) }],
    ['a capitalised Authorization header', { headers: { Authorization: 'Bearer S3CR3T' } }],
    ['a Proxy-Authorization header', { headers: { 'Proxy-Authorization': 'Basic S3CR3T' } }],
    ['a Cookie header', { Cookie: 'sid=S3CR3T' }],
    ['an x-api-key header', { 'x-api-key': 'S3CR3T' }],
    ['a kubeconfig', { kubeconfig: 'users:\n- user:\n    token: S3CR3T' }],
    ['a kubeconfig user', { user: { 'client-key-data': 'S3CR3T', 'client-certificate-data': 'c' } }],
    ['a bearerToken', { bearerToken: 'S3CR3T' }],
    ['an accessToken', { accessToken: 'S3CR3T' }],
    ['an apiKey', { apiKey: 'S3CR3T' }],
    ['a tlsKey', { tlsKey: 'S3CR3T' }],
    ['a userkey', { userkey: 'S3CR3T' }],
    ['a token nine levels deep', { a: { b: { c: { d: { e: { f: { g: { h: { token: 'S3CR3T' } } } } } } } } }],
    ['a --key argument', { args: ['rbd', 'map', '--key', 'AQB-S3CR3T=='] }],
    [
      'an Authorization header on an error',
      { err: Object.assign(new Error('x'), { config: { headers: { Authorization: 'Bearer S3CR3T' } } }) },
    ],
    [
      'a token on an error cause',
      { err: new Error('outer', { cause: Object.assign(new Error('inner'), { token: 'S3CR3T' }) }) },
    ],
  ];

  it.each(secretCases)('given %s, never writes the secret but keeps other fields', (_name, fields) => {
    const sink = memoryDestination();
    const logger = createLogger({ level: 'info', name: 'test', destination: sink.stream });
    logger.info({ ...fields, visible: 'kept-field' }, 'hello');
    const text = sink.text();
    expect(text).not.toContain('S3CR3T');
    expect(text).toContain('[REDACTED]');
    expect(sink.lines[0]).toMatchObject({ visible: 'kept-field', msg: 'hello', level: 'info', name: 'test' });
  });

  it('given a secret in child bindings, redacts it too', () => {
    const sink = memoryDestination();
    const logger = createLogger({ level: 'info', name: 'test', destination: sink.stream });
    logger.child({ secrets: { userKey: 'AQB-S3CR3T' }, volume: 'pvc-1' }).info('x');
    expect(sink.text()).not.toContain('S3CR3T');
    expect(sink.lines[0]).toMatchObject({ volume: 'pvc-1' });
  });

  it('given nested secrets in child and grandchild bindings, redacts them and keeps the rest', () => {
    const sink = memoryDestination();
    const logger = createLogger({ level: 'info', name: 'test', destination: sink.stream });
    const child = logger.child({ token: 'S3CR3T', req: { headers: { authorization: 'S3CR3T' } }, a: 1 });
    child.child({ b: { Cookie: 'S3CR3T' }, c: 2 }).info('x');
    expect(sink.text()).not.toContain('S3CR3T');
    expect(sink.lines[0]).toMatchObject({ a: 1, c: 2, req: { headers: { authorization: '[REDACTED]' } } });
  });

  it('given a secret in a request context with a capitalised key, redacts it', () => {
    const sink = memoryDestination();
    const logger = createLogger({ level: 'info', name: 'test', destination: sink.stream });
    requestLogger(logger, { Authorization: 'S3CR3T', reqId: 'r-9' }).info('x');
    expect(sink.text()).not.toContain('S3CR3T');
    expect(sink.lines[0]).toMatchObject({ reqId: 'r-9' });
  });

  const cephxKey = 'AQDyEwVrvXanMxAAv3A5Zezq6FReX9PdZPLPQw=='; // 40 characters, as Ceph makes them
  it.each([
    ['a bearer token in a message', (l: Logger) => l.info('sent Authorization: Bearer S3CR3T')],
    ['a basic credential in a message', (l: Logger) => l.info('basic S3CR3T failed')],
    ['a key= assignment in a message', (l: Logger) => l.info('plain message with key=AQB-S3CR3T== in it')],
    ['a format argument', (l: Logger) => l.info('auth %s', 'Bearer S3CR3T')],
    ['URL user info', (l: Logger) => l.warn({ server: 'https://admin:S3CR3T@10.0.0.1:6443' }, 'x')],
    ['a token query parameter', (l: Logger) => l.info({ url: '/api?watch=1&token=S3CR3T' }, 'x')],
    ['a cephx key in a message', (l: Logger) => l.info(`keyring has ${cephxKey}`)],
    ['an error message', (l: Logger) => l.error({ err: new Error('got Bearer S3CR3T') }, 'failed')],
    ['an error as message', (l: Logger) => l.error(new Error('request failed: Bearer S3CR3T'))],
    [
      'a cause message',
      (l: Logger) => l.error({ err: new Error('o', { cause: new Error('Bearer S3CR3T') }) }),
    ],
    ['a --key in a command line', (l: Logger) => l.info({ cmd: 'rbd map --key S3CR3T img' }, 'x')],
  ])('given %s, never writes the secret value', (_name, write) => {
    const sink = memoryDestination();
    write(createLogger({ level: 'info', name: 'test', destination: sink.stream }));
    expect(sink.text()).not.toContain('S3CR3T');
    expect(sink.text()).not.toContain(cephxKey);
    expect(sink.text()).toContain('[REDACTED]');
  });

  it('given a level, drops lines below it', () => {
    const sink = memoryDestination();
    const logger = createLogger({ level: 'warn', name: 'test', destination: sink.stream });
    logger.info('quiet');
    logger.warn('loud');
    expect(sink.lines.map((l) => l.msg)).toEqual(['loud']);
  });

  it('given an error with a cause, writes the cause chain', () => {
    const sink = memoryDestination();
    const logger = createLogger({ level: 'info', name: 'test', destination: sink.stream });
    const inner = new Error('inner reason', { cause: new Error('root reason') });
    logger.error({ err: new Error('outer', { cause: inner }) }, 'failed');
    // The whole chain, each link a serialized error of its own (not only words in a stack).
    expect(sink.lines).toEqual([
      expect.objectContaining({
        msg: 'failed',
        err: expect.objectContaining({
          type: 'Error',
          message: 'outer',
          cause: expect.objectContaining({
            type: 'Error',
            message: 'inner reason',
            cause: expect.objectContaining({ type: 'Error', message: 'root reason' }),
          }),
        }),
      }),
    ]);
  });
});

describe('requestLogger', () => {
  it('given a request context, returns a child stamping it on every line (undefined fields dropped)', () => {
    const sink = memoryDestination();
    const logger = createLogger({ level: 'info', name: 'test', destination: sink.stream });
    const child = requestLogger(logger, { reqId: 'r-1', uid: 'abc', kind: 'Pod', name: undefined });
    child.info('admitted');
    expect(sink.lines[0]).toMatchObject({ reqId: 'r-1', uid: 'abc', kind: 'Pod', msg: 'admitted' });
    expect(sink.lines[0]).not.toHaveProperty('name', undefined);
    expect(Object.keys(sink.lines[0] ?? {})).not.toContain('undefined');
  });
});
