import type { ServerResponse } from 'node:http';
import type { StoredEvent } from './object-store.js';
import type { ResourceType } from './resources.js';
import { tooOldResourceVersion } from './status.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One open watch response stream. */
export interface OpenWatch {
  readonly resource: ResourceType;
  readonly namespace: string | undefined;
  readonly bookmarks: boolean;
  readonly res: ServerResponse;
}

/** Writes one event the way kube-apiserver does: a JSON object per line on a chunked stream. */
export function writeEvent(res: ServerResponse, type: WatchEventType, object: unknown): void {
  res.write(`${JSON.stringify({ type, object })}\n`);
}

/** The open watches, and the operations tests use to push events into them or break them. */
export class WatchRegistry {
  private readonly open = new Set<OpenWatch>();

  add(watch: OpenWatch): void {
    this.open.add(watch);
    watch.res.on('close', () => this.open.delete(watch));
  }

  count(): number {
    return this.open.size;
  }

  publish(event: StoredEvent): void {
    for (const w of this.open) {
      const ns = event.object.metadata.namespace;
      if (w.resource === event.resource && (w.namespace === undefined || w.namespace === ns)) {
        writeEvent(w.res, event.type, event.object);
      }
    }
  }

  /** Writes any event, as given, to every open watch of `resource` (a misbehaving server). */
  emit(resource: ResourceType, type: string, object: unknown): void {
    for (const w of this.open) if (w.resource === resource) writeEvent(w.res, type as WatchEventType, object);
  }

  /** BOOKMARK to every watch that asked for them: only kind, apiVersion and the resourceVersion. */
  bookmark(resourceVersion: number): void {
    for (const w of this.open) {
      if (!w.bookmarks) continue;
      const { kind, apiVersion } = w.resource;
      writeEvent(w.res, 'BOOKMARK', {
        kind,
        apiVersion,
        metadata: { resourceVersion: String(resourceVersion) },
      });
    }
  }

  /** Ends every stream normally (the last chunk is sent), as kube-apiserver does on its timeout. */
  endAll(): void {
    for (const w of this.open) w.res.end();
  }

  /** Destroys every stream's socket: the client sees a broken connection. */
  dropAll(): void {
    for (const w of this.open) w.res.socket?.destroy();
  }

  /** Sends an ERROR event with a 410 Status to every stream, then ends it. */
  expireAll(requested: number, oldest: number): void {
    for (const w of this.open) {
      writeEvent(w.res, 'ERROR', tooOldResourceVersion(requested, oldest, 'Expired'));
      w.res.end();
    }
  }
}
