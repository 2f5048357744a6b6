import type { LeaseHolder } from './journal-records.js';
import { LeaseSightings } from './lease-sightings.js';

const WAIT = 120_000;
const lease = (over: Partial<LeaseHolder> = {}): LeaseHolder => ({
  attempt: 'attempt-1',
  host: 'node-2/pid:[1]',
  pid: 7,
  boot: 'boot-2',
  until: 5_000,
  ...over,
});

describe('LeaseSightings', () => {
  it('given the same lease seen again later, keeps the time it was first seen', () => {
    const sightings = new LeaseSightings();
    expect(sightings.sight('vu/a', lease(), 1_000, WAIT)).toEqual({ since: 1_000, waitMs: WAIT });
    expect(sightings.sight('vu/a', lease(), 90_000, WAIT)).toEqual({ since: 1_000, waitMs: WAIT });
  });

  it.each([
    ['another attempt', { attempt: 'attempt-2' }],
    ['a new until (renewed or rewritten)', { until: 6_000 }],
  ])('given %s at the key, starts the wait again', (_label, change) => {
    const sightings = new LeaseSightings();
    sightings.sight('vu/a', lease(), 1_000, WAIT);
    expect(sightings.sight('vu/a', lease(change), 50_000, WAIT).since).toBe(50_000);
    expect(sightings.size).toBe(1);
  });

  it('given a forgotten key, starts the wait again; other keys are kept apart', () => {
    const sightings = new LeaseSightings();
    sightings.sight('vu/a', lease(), 1_000, WAIT);
    sightings.sight('su/b', lease(), 2_000, WAIT);
    sightings.forget('vu/a');
    expect(sightings.sight('vu/a', lease(), 3_000, WAIT).since).toBe(3_000);
    expect(sightings.sight('su/b', lease(), 4_000, WAIT).since).toBe(2_000);
  });

  it('given more keys than its bound, forgets the oldest first (whose wait then starts again)', () => {
    const sightings = new LeaseSightings(2);
    sightings.sight('vu/1', lease(), 1, WAIT);
    sightings.sight('vu/2', lease(), 2, WAIT);
    sightings.sight('vu/3', lease(), 3, WAIT);
    expect(sightings.size).toBe(2);
    expect(sightings.sight('vu/2', lease(), 10, WAIT).since).toBe(2);
    expect(sightings.sight('vu/1', lease(), 11, WAIT).since).toBe(11);
  });
});
