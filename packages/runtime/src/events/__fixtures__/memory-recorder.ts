import { ManualClock } from '../../leader/__fixtures__/manual-clock.js';
import { createEventRecorder, type EventRecorderOptions } from '../event-recorder.js';
import { MemoryEvents } from './memory-events.js';

/**
 * A recorder (instance `adm-0` of `corral.dev/admission`) writing to MemoryEvents on a ManualClock,
 * so a test drives time and the API's answers; `extra` adds or overrides options.
 */
export function memoryRecorder(extra: Partial<EventRecorderOptions> = {}) {
  const clock = new ManualClock();
  const events = new MemoryEvents(clock);
  const recorder = createEventRecorder({
    api: events.api(),
    controller: 'corral.dev/admission',
    instance: 'adm-0',
    clock,
    ...extra,
  });
  return { clock, events, recorder };
}
