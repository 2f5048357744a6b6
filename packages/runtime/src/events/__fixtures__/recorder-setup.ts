import { Registry } from 'prom-client';
import { ManualClock } from '../../leader/__fixtures__/manual-clock.js';
import { createLogger } from '../../log/create-logger.js';
import { memoryDestination } from '../../log/memory-destination.js';
import { createEventRecorder, type EventRecorderOptions, type EventsApi } from '../event-recorder.js';
import { MemoryEvents } from './memory-events.js';

/**
 * An EventRecorder of `corral.dev/admission` (instance `adm-0`) over an in-memory Events API on a
 * manual clock, flushing series every second, logging at debug into memory; `extra` overrides any
 * option, `wrap` stands between the recorder and the API (to fail or delay its calls).
 */
export function recorderSetup(extra: Partial<EventRecorderOptions> = {}, wrap = (api: EventsApi) => api) {
  const clock = new ManualClock();
  const events = new MemoryEvents(clock);
  const logs = memoryDestination();
  const registry = new Registry();
  const recorder = createEventRecorder({
    api: wrap(events.api()),
    controller: 'corral.dev/admission',
    instance: 'adm-0',
    clock,
    registry,
    seriesFlushMs: 1_000,
    logger: createLogger({ level: 'debug', name: 't', destination: logs.stream }),
    ...extra,
  });
  /** A counter's values by its one label's value. */
  const counts = async (name: string) =>
    Object.fromEntries(
      ((await registry.getSingleMetric(name)?.get())?.values ?? []).map((v) => [
        String(Object.values(v.labels)[0]),
        v.value,
      ]),
    );
  return {
    clock,
    events,
    recorder,
    logs,
    warnings: () => logs.lines.filter((l) => l['level'] === 'warn' || l['level'] === 'error'),
    verbs: () => events.calls.map((c) => c.verb),
    stored: () => [...events.events.values()],
    dropped: () => counts('corral_kube_events_dropped_total'),
    written: () => counts('corral_kube_events_written_total'),
  };
}
