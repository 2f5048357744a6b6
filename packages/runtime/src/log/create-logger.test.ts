import { createLogger, requestLogger } from './create-logger.js';
import { memoryDestination } from './memory-destination.js';
import { redactSecrets } from './redaction.js';

describe('redactSecrets', () => {
  it('given an object without secrets, returns the same object (no copy)', () => {
    const line = { method: 'POST', route: '/mutate', nested: { list: [1, { a: 'b' }] } };
    expect(redactSecrets(line)).toBe(line);
  });

  it('given a secret deeper than the depth searched, leaves it (the bound is explicit)', () => {
    expect(redactSecrets({ a: { token: 'x' } }, 0)).toEqual({ a: { token: 'x' } });
    expect(redactSecrets({ a: { token: 'x' } }, 1)).toEqual({ a: { token: '[REDACTED]' } });
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
    logger.error({ err: new Error('outer', { cause: new Error('inner reason') }) }, 'failed');
    expect(sink.text()).toContain('inner reason');
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
