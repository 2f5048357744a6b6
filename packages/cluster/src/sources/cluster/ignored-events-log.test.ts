import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Clock } from './clock.js';
import { IGNORED_LOG_WINDOW_MS, ignoredEventsLog } from './ignored-events-log.js';

function setup() {
  let now = 1_000;
  const clock: Clock = { now: () => now, setTimeout: () => () => undefined };
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const log = ignoredEventsLog(pino({ level: 'info' }, stream), clock);
  return { log, logs: { lines }, advance: (ms: number) => (now += ms) };
}

describe('ignoredEventsLog', () => {
  it('given 1,000 ignored events in a minute, logs the first one only, with its reason', () => {
    const t = setup();
    for (let i = 0; i < 1_000; i += 1) t.log(`event ${i} has no object`);
    expect(t.logs.lines).toHaveLength(1);
    expect(t.logs.lines[0]).toMatchObject({
      level: 40,
      msg: 'watch event ignored',
      reason: 'event 0 has no object',
    });
    expect(t.logs.lines[0]).not.toHaveProperty('suppressed');
  });

  it('given the next window, logs its first event with the number left out before it', () => {
    const t = setup();
    for (let i = 0; i < 5; i += 1) t.log('unknown type "FOO"');
    t.advance(IGNORED_LOG_WINDOW_MS);
    t.log('no object');
    t.advance(IGNORED_LOG_WINDOW_MS);
    t.log('no object');
    expect(t.logs.lines.map((line) => [line.reason, line.suppressed])).toEqual([
      ['unknown type "FOO"', undefined],
      ['no object', 4],
      ['no object', undefined],
    ]);
  });
});
