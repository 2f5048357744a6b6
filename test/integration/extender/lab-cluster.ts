import { rawNamespace, SnapshotStore } from '@corral/cluster';
import type { LightMyRequestResponse } from 'fastify';
import { createLogger, memoryDestination, type MemoryDestination } from '@corral/runtime';
import {
  buildExtender,
  type BuildExtenderOptions,
  type Extender,
} from '../../../plugins/scheduler-extender/src/index.js';
import { loadExtenderArgs } from '../../support/fixtures.js';

/** The cluster the fixtures were recorded on: lab-node-1, lab-node-2, lab-gpu-node-3 (4 GPUs), lab-demo. */
export function labCluster(): SnapshotStore {
  const store = new SnapshotStore();
  const nodes = loadExtenderArgs('extender-filter-nodes-1').Nodes?.items ?? [];
  store.replaceAll(
    'Node',
    nodes.map((node) => ({ apiVersion: 'v1', kind: 'Node', ...node })),
    'fixture',
  );
  store.replaceAll('Namespace', [rawNamespace('lab-demo'), rawNamespace('kube-system')], 'fixture');
  return store;
}

export interface TestExtender extends Extender {
  readonly logs: MemoryDestination;
  /** POSTs to `/scheduler/<verb>` as kube-scheduler does: JSON (a string is sent as it is). */
  post(verb: string, body: unknown): Promise<LightMyRequestResponse>;
}

/** An extender over a snapshot, logging into memory. */
export function testExtender(
  snapshot: SnapshotStore,
  options: Partial<BuildExtenderOptions> = {},
): TestExtender {
  const logs = memoryDestination();
  const logger = createLogger({ level: 'info', name: 'extender', destination: logs.stream });
  const extender = buildExtender({ snapshot, logger, ...options });
  const post = (verb: string, body: unknown) =>
    extender.app.inject({
      method: 'POST',
      url: `/scheduler/${verb}`,
      payload: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  return { ...extender, logs, post };
}
