import { OncePerInterval } from './once-per-interval.js';

describe('OncePerInterval', () => {
  it('given repeated events of one key, lets one through per interval and counts the others', () => {
    let now = 0;
    const limit = new OncePerInterval(60_000, () => now);
    expect(limit.take('10.0.0.1')).toBe(0);
    expect(limit.take('10.0.0.1')).toBeUndefined();
    now = 59_999;
    expect(limit.take('10.0.0.1')).toBeUndefined();
    expect(limit.take('10.0.0.2')).toBe(0); // another key is not held back
    now = 60_000;
    expect(limit.take('10.0.0.1')).toBe(2);
    expect(limit.take('10.0.0.1')).toBeUndefined();
  });

  it('given more keys than it keeps, forgets the quiet ones, then the oldest', () => {
    let now = 0;
    const limit = new OncePerInterval(1_000, () => now, 2);
    limit.take('a');
    now = 500;
    limit.take('b');
    now = 1_200; // 'a' is quiet for a whole interval, 'b' is not
    limit.take('c');
    expect(limit.take('b')).toBeUndefined(); // kept: still held back
    limit.take('d'); // over the bound again, nothing quiet: the oldest ('b') goes
    expect(limit.take('b')).toBe(0);
  });
});
