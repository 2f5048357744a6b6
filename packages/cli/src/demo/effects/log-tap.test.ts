import { describe, expect, it } from 'vitest';
import { LogTap } from './log-tap.js';

const line = (msg: string, level = 'info', extra: object = {}) =>
  `${JSON.stringify({ level, msg, ...extra })}\n`;

describe('LogTap', () => {
  it('given lines written later, resolves a wait for the next occurrence of a message', async () => {
    const tap = new LogTap('svc');
    tap.stream.write(line('reloaded'));
    const seen = tap.count('reloaded');
    const waiting = tap.waitFor('reloaded', seen, 1000);
    tap.stream.write(line('something else') + line('reloaded'));
    await expect(waiting).resolves.toBeUndefined();
    expect(tap.count('reloaded')).toBe(2);
  });

  it('given no such line in time, rejects naming the service and the message', async () => {
    const tap = new LogTap('extender');
    await expect(tap.waitFor('reloaded', 0, 20)).rejects.toThrow(
      /extender did not log "reloaded" within 20 ms/,
    );
  });

  it('given warnings and errors, lists them with their error messages; text lines count as info', () => {
    const tap = new LogTap('svc');
    tap.stream.write(
      line('fine') +
        line('slow', 'warn') +
        line('broke', 'error', { err: { message: 'boom' } }) +
        'plain text\n',
    );
    expect(tap.problems()).toEqual(['svc: slow', 'svc: broke (boom)']);
  });
});
