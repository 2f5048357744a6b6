import { SyncTracker } from './sync-tracker.js';
import { FakeClock } from './testing/fake-clock.js';

function tracker() {
  const clock = new FakeClock();
  const reports: [boolean, string][] = [];
  const sync = new SyncTracker(clock, 60_000, (synced, reason) => reports.push([synced, reason]));
  return { clock, reports, sync };
}

describe('SyncTracker', () => {
  it('given no LIST yet, is not synced, and failures alone report nothing', async () => {
    const { clock, reports, sync } = tracker();
    sync.failed('LIST /api/v1/pods: HTTP 500');
    await clock.advance(120_000);
    expect(sync.isSynced()).toBe(false);
    expect(reports).toEqual([]);
  });

  it('given a first LIST, becomes synced once', () => {
    const { reports, sync } = tracker();
    sync.listed(3);
    sync.listed(4);
    expect(sync.isSynced()).toBe(true);
    expect(reports).toEqual([[true, 'listed 3 objects']]);
  });

  it('given failures shorter than the limit, stays synced', async () => {
    const { clock, reports, sync } = tracker();
    sync.listed(1);
    sync.failed('WATCH: Premature close');
    await clock.advance(59_000);
    sync.watching();
    await clock.advance(120_000);
    expect(sync.isSynced()).toBe(true);
    expect(reports).toHaveLength(1);
  });

  it('given failures lasting the limit, reports unsynced with the last error, then resyncs', async () => {
    const { clock, reports, sync } = tracker();
    sync.listed(1);
    sync.failed('first');
    await clock.advance(30_000);
    sync.failed('LIST /api/v1/pods: HTTP 500');
    await clock.advance(30_000);
    expect(sync.isSynced()).toBe(false);
    expect(reports[1]).toEqual([false, 'failing for 60000 ms: LIST /api/v1/pods: HTTP 500']);
    sync.watching();
    expect(reports[2]).toEqual([true, 'watch resumed']);
  });

  it('given a recovery, measures the next failure streak from its own start', async () => {
    const { clock, sync } = tracker();
    sync.listed(1);
    sync.failed('a');
    await clock.advance(50_000);
    sync.listed(1);
    sync.failed('b');
    await clock.advance(50_000);
    expect(sync.isSynced()).toBe(true);
  });

  it('given stop, leaves no timer behind', async () => {
    const { clock, sync } = tracker();
    sync.listed(1);
    sync.failed('a');
    sync.stop();
    expect(clock.pendingDelays()).toEqual([]);
  });
});
