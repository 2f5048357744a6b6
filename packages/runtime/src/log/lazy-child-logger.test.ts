import { createLogger } from './create-logger.js';
import { LazyChildLogger, lazyChildLogger } from './lazy-child-logger.js';
import { memoryDestination } from './memory-destination.js';

function setup(level: 'info' | 'warn' = 'info') {
  const sink = memoryDestination();
  const parent = createLogger({ level, name: 'test', destination: sink.stream });
  return { sink, parent };
}

describe('lazyChildLogger', () => {
  it('given nothing logged, never creates the pino child', () => {
    const { parent } = setup();
    const log = lazyChildLogger(parent, { reqId: 'r-1' }) as LazyChildLogger;
    expect(log).toBeInstanceOf(LazyChildLogger);
    expect(log.level).toBe('info');
    expect(log.isLevelEnabled('debug')).toBe(false);
    expect(log.materialized).toBe(false);
  });

  it('given a line at an enabled level, writes it with the bindings, secrets redacted', () => {
    const { sink, parent } = setup();
    const log = lazyChildLogger(parent, { reqId: 'r-2', token: 'S3CR3T' });
    log.info({ route: '/mutate' }, 'request completed');
    expect(sink.lines).toEqual([
      expect.objectContaining({ reqId: 'r-2', route: '/mutate', msg: 'request completed', level: 'info' }),
    ]);
    expect(sink.text()).not.toContain('S3CR3T');
  });

  it('given a line below the level, writes nothing and creates no child', () => {
    const { sink, parent } = setup('warn');
    const log = lazyChildLogger(parent, { reqId: 'r-3' }) as LazyChildLogger;
    log.info('quiet');
    log.debug({ a: 1 }, 'quieter');
    expect(sink.lines).toEqual([]);
    expect(log.materialized).toBe(false);
    log.error(new Error('boom'), 'failed');
    expect(sink.lines).toEqual([expect.objectContaining({ reqId: 'r-3', msg: 'failed', level: 'error' })]);
  });

  it('given a level of its own, changes only this child', () => {
    const { sink, parent } = setup('warn');
    const log = lazyChildLogger(parent, { reqId: 'r-4' });
    log.level = 'debug';
    log.debug('now visible');
    parent.debug('still hidden');
    expect(sink.lines.map((l) => l.msg)).toEqual(['now visible']);
  });

  it('given child options (a route log level), makes a real child at once', () => {
    const { sink, parent } = setup('warn');
    const log = lazyChildLogger(parent, { reqId: 'r-5' }, { level: 'debug' });
    expect(log).not.toBeInstanceOf(LazyChildLogger);
    log.debug('route level');
    expect(sink.lines).toEqual([expect.objectContaining({ reqId: 'r-5', msg: 'route level' })]);
  });

  it('given a grandchild, carries both bindings', () => {
    const { sink, parent } = setup();
    lazyChildLogger(parent, { reqId: 'r-6' }).child({ uid: 'u-1' }).info('x');
    expect(sink.lines[0]).toMatchObject({ reqId: 'r-6', uid: 'u-1' });
  });
});
