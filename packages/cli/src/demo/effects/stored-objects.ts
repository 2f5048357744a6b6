import { randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Json } from '../decide/review.js';
import type { LogTap } from './log-tap.js';

/** What a service logs once it has applied a reload of its policy files (@corral/cluster openSnapshot). */
export const RELOADED = 'policy files reloaded';
const FILE = 'zz-created-by-the-demo.yaml';

/**
 * The demo's stand-in for the API server's storage: the Pods and PersistentVolumeClaims the webhooks
 * admitted, bound pods carrying `spec.nodeName`. They live in one YAML file inside the folder every
 * service watches, so each service sees them through its own snapshot, as it would see them through its
 * informers in a cluster. `save()` writes the file atomically and waits until every watching service
 * (and the demo's own scheduler cache) has reloaded it.
 */
export class StoredObjects {
  private readonly objects = new Map<string, Json>();
  private readonly watchers: LogTap[] = [];

  constructor(
    private readonly folder: string,
    private readonly afterSave: () => Promise<void>,
    private readonly timeoutMs = 15_000,
  ) {}

  /** A service that watches the folder: `save()` waits for it to reload. */
  watchedBy(tap: LogTap): void {
    this.watchers.push(tap);
  }

  /** Stores a created object, with a uid and creationTimestamp as the API server sets them. */
  create(object: Json): Json {
    const metadata = { ...((object['metadata'] as Json | undefined) ?? {}) };
    metadata['uid'] ??= randomUUID();
    metadata['creationTimestamp'] ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const stored: Json = { ...object, metadata };
    if (object['kind'] === 'Pod') stored['status'] = { phase: 'Pending' };
    this.objects.set(keyOf(stored), stored);
    return stored;
  }

  /** Binds a stored pod to a node (what POST pods/binding does) and marks it running. */
  bind(pod: Json, node: string): void {
    const stored = this.objects.get(keyOf(pod));
    if (!stored) throw new Error(`no stored pod ${keyOf(pod)}`);
    stored['spec'] = { ...((stored['spec'] as Json | undefined) ?? {}), nodeName: node };
    stored['status'] = { phase: 'Running' };
  }

  async save(): Promise<void> {
    const seen = this.watchers.map((tap) => tap.count(RELOADED));
    const text = [...this.objects.values()].map((object) => `---\n${stringify(object)}`).join('');
    const temporary = join(this.folder, `.${FILE}.${process.pid}`);
    await writeFile(temporary, text);
    await rename(temporary, join(this.folder, FILE));
    await Promise.all(this.watchers.map((tap, i) => tap.waitFor(RELOADED, seen[i] ?? 0, this.timeoutMs)));
    await this.afterSave();
  }
}

function keyOf(object: Json): string {
  const metadata = (object['metadata'] as Json | undefined) ?? {};
  return `${String(object['kind'])}/${String(metadata['namespace'])}/${String(metadata['name'])}`;
}
