import { createLogger, memoryDestination, type MemoryDestination } from '@corral/runtime';
import type { ConnectionPool } from '../../effects/ceph/connection-pool.js';
import { BackgroundJobs } from '../background-jobs.js';
import { OperationLocks } from '../operation-locks.js';
import type { ControllerDeps } from './controller-deps.js';
import { RESUME_KEY, startFlattenResume, type ResumeReport } from './flatten-resume.js';

const DONE: ResumeReport = { clones: 2, flattened: 1, failed: 0 };
const BACKOFF = { firstMs: 5_000, maxMs: 300_000 };

interface Setup {
  readonly deps: ControllerDeps;
  readonly logs: MemoryDestination;
  readonly errors: string[];
  readonly log: ReturnType<typeof createLogger>;
}

function setup(withKeyring = true): Setup {
  const logs = memoryDestination();
  const errors: string[] = [];
  const deps: ControllerDeps = {
    clusters: new Map(),
    pool: {} as ConnectionPool,
    locks: new OperationLocks(),
    jobs: new BackgroundJobs(),
    ...(withKeyring ? { controllerCredentials: { userID: 'csi', userKey: 'k' } } : {}),
    onBackgroundError: (_err, what) => errors.push(what),
  };
  return { deps, logs, errors, log: createLogger({ level: 'debug', name: 't', destination: logs.stream }) };
}

/** A scan that plays `outcomes` in turn (an Error is thrown), then succeeds. */
function scripted(outcomes: (ResumeReport | Error)[]) {
  const calls: number[] = [];
  const scan = async () => {
    const next = outcomes[calls.length];
    calls.push(Date.now());
    if (next instanceof Error) throw next;
    return next ?? DONE;
  };
  return { scan, calls };
}

const messages = (logs: MemoryDestination, msg: string) => logs.lines.filter((l) => l['msg'] === msg);

describe('startFlattenResume', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('given a scan that throws twice (Ceph unreachable) then succeeds, rescans after 5 s and 10 s, then stops', async () => {
    const { deps, logs, errors, log } = setup();
    const { scan, calls } = scripted([new Error('ENOTCONN'), new Error('ENOTCONN')]);
    expect(startFlattenResume(deps, log, { scan, backoff: BACKOFF })).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([0]);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(calls).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([0, 5_000]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toEqual([0, 5_000, 15_000]);
    await deps.jobs.settle(RESUME_KEY);
    expect(deps.jobs.isRunning(RESUME_KEY)).toBe(false);
    expect(errors).toEqual(['flatten resume scan', 'flatten resume scan']);
    expect(
      messages(logs, 'flatten resume scan incomplete: scanning again later').map((l) => l['delayMs']),
    ).toEqual([5_000, 10_000]);
    expect(messages(logs, 'flatten resume scan done')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('given a scan that completes with failed spaces or clones, scans again until one has none', async () => {
    const { deps, logs, log } = setup();
    const { scan, calls } = scripted([{ clones: 3, flattened: 1, failed: 2 }]);
    startFlattenResume(deps, log, { scan, backoff: BACKOFF });
    await vi.advanceTimersByTimeAsync(5_000);
    await deps.jobs.settle(RESUME_KEY);
    expect(calls).toEqual([0, 5_000]);
    expect(messages(logs, 'flatten resume scan done').map((l) => l['failed'])).toEqual([2, 0]);
  });

  it('given repeated failures, the wait doubles up to the cap', async () => {
    const { deps, logs, log } = setup();
    const { scan } = scripted(Array.from({ length: 9 }, () => new Error('down')));
    startFlattenResume(deps, log, { scan, backoff: { firstMs: 1_000, maxMs: 10_000 } });
    await vi.advanceTimersByTimeAsync(100_000);
    await deps.jobs.settle(RESUME_KEY);
    const waits = messages(logs, 'flatten resume scan incomplete: scanning again later').map(
      (l) => l['delayMs'],
    );
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
  });

  it('given a shutdown while waiting to rescan, stops at once: no further scan, no timer left', async () => {
    const { deps, log } = setup();
    const { scan, calls } = scripted(Array.from({ length: 100 }, () => new Error('down')));
    startFlattenResume(deps, log, { scan, backoff: BACKOFF });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toEqual([0, 5_000]);
    expect(vi.getTimerCount()).toBe(1);
    await deps.jobs.drain(); // resolves without any time passing: the wait was cut short
    expect(deps.jobs.isRunning(RESUME_KEY)).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toHaveLength(2);
  });

  it('given a shutdown during a failing scan, does not wait to rescan', async () => {
    const { deps, log } = setup();
    let fail!: (err: Error) => void;
    let calls = 0;
    const scan = () => {
      calls++;
      return new Promise<ResumeReport>((_resolve, reject) => (fail = reject));
    };
    startFlattenResume(deps, log, { scan, backoff: BACKOFF });
    await vi.advanceTimersByTimeAsync(0);
    const drained = deps.jobs.drain();
    fail(new Error('down'));
    await drained;
    expect(calls).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('given no controller credentials, starts nothing and says why', async () => {
    const { deps, logs, log } = setup(false);
    const { scan, calls } = scripted([]);
    expect(startFlattenResume(deps, log, { scan })).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toEqual([]);
    expect(logs.text()).toContain('no --keyring');
  });
});
