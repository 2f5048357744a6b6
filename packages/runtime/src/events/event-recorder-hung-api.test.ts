import { doneWithin } from '../leader/__fixtures__/manual-clock.js';
import { memoryRecorder } from './__fixtures__/memory-recorder.js';
import type { EventToRecord } from './event-types.js';

const occurrence = (name: string): EventToRecord => ({
  regarding: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name, namespace: 'team-a' },
  type: 'Warning',
  reason: 'PolicyDenied',
  action: 'Deny',
  note: '[quota] no room',
});

const setup = () => memoryRecorder({ concurrency: 2 });

describe('EventRecorder when an API call never answers', () => {
  it('given hung calls filling every worker, gives them up and writes again once the API answers', async () => {
    const { clock, events, recorder } = setup();
    events.hang = true;
    recorder.record(occurrence('rs-1'));
    recorder.record(occurrence('rs-2'));
    await clock.advance(60_000);
    events.hang = false;
    recorder.record(occurrence('rs-3'));
    await clock.advance(1_000);
    expect([...events.events.values()].map((e) => e.regarding?.name)).toEqual(['rs-3']);
  });

  it('given a hung call at shutdown, stop() resolves in bounded time', async () => {
    const { clock, events, recorder } = setup();
    events.hang = true;
    recorder.record(occurrence('rs-1'));
    await clock.advance(100);
    expect(await doneWithin(clock, 10_000, recorder.stop())).toBe(true);
  });
});
