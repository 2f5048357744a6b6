/**
 * The cluster source against the fake API server, as the cluster-source-*.test.ts files start it: a
 * server, a SnapshotStore as the sink, a silent logger, a fixed backoff (20 ms doubling to 100 ms, no
 * jitter), and every harness stopped after each test.
 */
import { SnapshotStore } from '@corral/cluster';
import pino from 'pino';
import {
  type ClusterSource,
  type ClusterSourceOptions,
  startClusterSource,
} from '../../packages/cluster/src/sources/cluster/index.js';
import {
  type ExtraHandler,
  type FakeApiServer,
  fakeKubeConfig,
  type KubeObject,
  startFakeApiServer,
} from './fake-apiserver/index.js';

export const PODS = '/api/v1/pods';

/** A pod of namespace team-a. */
export const teamPod = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'team-a' },
  spec: { containers: [{ name: 'app', image: 'harbor.example.com/a/app:1' }] },
});

export interface SourceHarness {
  readonly server: FakeApiServer;
  readonly store: SnapshotStore;
  readonly source: ClusterSource;
}

export interface StartSourceOptions {
  /** The fake API server's own handler ahead of its routes. */
  readonly extra?: ExtraHandler;
  /** Objects (and injected failures) the server holds before the source starts. */
  readonly seed?: (server: FakeApiServer) => void;
  /** The source's options beyond the harness's (kinds, listPageSize, readiness…). */
  readonly source?: Partial<ClusterSourceOptions>;
}

/** Registers the cleanup (afterEach) and returns the function that starts a harness. */
export function clusterSourceHarness(): (options?: StartSourceOptions) => Promise<SourceHarness> {
  let running: SourceHarness[] = [];
  afterEach(async () => {
    for (const h of running) {
      await h.source.stop();
      await h.server.close();
    }
    running = [];
  });
  return async (options = {}) => {
    const server = await startFakeApiServer(options.extra ? { extra: options.extra } : {});
    options.seed?.(server);
    const store = new SnapshotStore();
    const source = startClusterSource({
      kubeConfig: fakeKubeConfig(server.url, 'token'),
      sink: store,
      logger: pino({ level: 'silent' }),
      random: () => 0.5,
      ...options.source,
      backoff: { initialMs: 20, maxMs: 100, jitter: 0 },
    });
    const h = { server, store, source };
    running.push(h);
    return h;
  };
}
