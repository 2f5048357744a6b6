import { SyncTracker } from './sync-tracker.js';
import { FakeClock } from './testing/fake-clock.js';

function tracker() {
  const clock = new FakeClock();
  const reports: [boolean, string][] = [];
  const sync = new SyncTracker(clock, 60_000, (synced, reason) => reports.push([synced, reason]));
  return { clock, reports, sync };
}

describe('SyncTracker', () => {
  it('given no LIST yet, is not synced, and reports each new failure message once, as the reason', async () => {
    const { clock, reports, sync } = tracker();
    sync.failed('LIST /api/v1/pods: pods is forbidden');
    sync.failed('LIST /api/v1/pods: pods is forbidden');
    await clock.advance(120_000);
    sync.failed('LIST /api/v1/pods: HTTP 500');
    expect(sync.isSynced()).toBe(false);
    expect(reports).toEqual([
      [false, 'not listed yet: LIST /api/v1/pods: pods is forbidden'],
      [false, 'not listed yet: LIST /api/v1/pods: HTTP 500'],
    ]);
    sync.listed(2);
    sync.failed('WATCH: Premature close');
    expect(reports.at(-1)).toEqual([true, 'listed 2 objects']);
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
    sync.accepted();
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
    sync.accepted();
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

  it('given HTTP 200 then ERROR again and again, does not stay synced', async () => {
    const { clock, reports, sync } = tracker();
    sync.listed(1);
    for (let t = 0; t < 70_000; t += 1_000) {
      sync.failed('WATCH: ERROR event: Too large resource version');
      await clock.advance(990);
      sync.opened();
      await clock.advance(10);
    }
    expect(sync.isSynced()).toBe(false);
    expect(reports[1]?.[0]).toBe(false);
  });

  it('given a quiet open watch after a failure, pauses the countdown instead of unsyncing', async () => {
    const { clock, sync } = tracker();
    sync.listed(1);
    sync.failed('WATCH: Premature close');
    await clock.advance(1_000);
    sync.opened();
    await clock.advance(600_000);
    expect(sync.isSynced()).toBe(true);
    // The paused countdown resumes where it stopped: 59 s left.
    sync.failed('WATCH: ERROR event');
    await clock.advance(58_999);
    expect(sync.isSynced()).toBe(true);
    await clock.advance(1);
    expect(sync.isSynced()).toBe(false);
  });

  it('given watches that hang one after another, each aborted as stalled, becomes unsynced at the first stall', async () => {
    const { clock, reports, sync } = tracker();
    sync.listed(1);
    // A healthy watch, silent since its last event when the server hung; aborted 360 s later.
    sync.opened();
    await clock.advance(360_000);
    sync.stalled(360_000);
    sync.failed('WATCH: no end after 360000 ms');
    expect(sync.isSynced()).toBe(false);
    expect(reports[1]).toEqual([false, 'failing for 60000 ms: WATCH: no end after 360000 ms']);
    // The next watch opens and hangs too: a paused countdown must not bring the kind back.
    sync.opened();
    await clock.advance(360_000);
    expect(sync.isSynced()).toBe(false);
    expect(reports).toHaveLength(2);
  });

  it('given a stalled watch silent for less than the limit, runs the countdown for the rest only', async () => {
    const { clock, sync } = tracker();
    sync.listed(1);
    sync.failed('WATCH: Premature close');
    await clock.advance(10_000);
    sync.opened();
    await clock.advance(30_000);
    sync.stalled(30_000);
    sync.failed('WATCH: no end after 30000 ms');
    await clock.advance(19_999);
    expect(sync.isSynced()).toBe(true);
    await clock.advance(1);
    expect(sync.isSynced()).toBe(false);
  });

  it('given an unsynced kind whose watches open but are not accepted, stays unsynced', async () => {
    const { clock, reports, sync } = tracker();
    sync.listed(1);
    sync.failed('LIST: HTTP 500');
    await clock.advance(60_000);
    sync.opened();
    sync.failed('WATCH: 410 Gone');
    expect(sync.isSynced()).toBe(false);
    expect(reports).toHaveLength(2);
  });
});
