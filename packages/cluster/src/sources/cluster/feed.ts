import type { SnapshotSink, WatchedKind } from '../../sink.js';
import type { InformerDeps } from './informer-types.js';

/** Calls the sink; a throwing sink is reported, not fatal (a restart would replay the same object). */
export function feed(
  deps: InformerDeps,
  operation: keyof SnapshotSink,
  call: (sink: SnapshotSink, kind: WatchedKind) => void,
): void {
  try {
    call(deps.sink, deps.resource.kind);
  } catch (err) {
    deps.hooks.sinkFailed(err, operation);
  }
}
