import { SnapshotStore, startFileSource, type FileSource } from '@corral/cluster';
import { describeProblem } from '@corral/policy';
import { renderClusterBrief } from './cluster-view.js';
import { objectName, type Json } from './decide/review.js';
import type { CephConnection } from './effects/local-ceph.js';
import type { Manifest } from './effects/manifests.js';
import { whyNodeStageIsUnusable } from './effects/node-stage-check.js';
import { StoredObjects } from './effects/stored-objects.js';
import { issueServingFiles } from './effects/tls-files.js';
import { createWorkspace, type Workspace } from './effects/workspace.js';
import { runAdmission, type AdmissionSection } from './sections/admission-section.js';
import {
  renderAdmission,
  renderScheduling,
  renderServices,
  renderStorage,
  renderSummary,
} from './sections/render.js';
import type { ScheduleRow, ServiceRow, StorageReport, WalkthroughReport } from './sections/report.js';
import { runScheduling, type Placement } from './sections/scheduling-section.js';
import { startSchedulerExtender, startWebhooks, type RunningService } from './sections/services.js';
import { runStorage } from './sections/storage-section.js';

/**
 * `corral demo`: Corral's services running for real on this machine against a copy of the example
 * cluster, driven the way Kubernetes drives them: the admission webhooks over HTTPS (a CA made for the
 * run), the scheduler extender over HTTP, the CSI driver over its unix sockets against the local Ceph.
 * Prints a table per section as it goes, stops everything at the end, and returns what it found.
 */
export interface WalkthroughOptions {
  readonly policies: string;
  /** The objects to apply, in order (effects/manifests.ts reads them). */
  readonly manifests: readonly Manifest[];
  /** The Ceph of the storage part, or why there is none. */
  readonly ceph: CephConnection | { readonly skip: string };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly print: (text: string) => void;
  /** Aborting ends the walkthrough at the next step, still shutting everything down. */
  readonly signal?: AbortSignal;
}

/** One run's moving parts and findings. */
interface Run {
  readonly options: WalkthroughOptions;
  readonly workspace: Workspace;
  readonly cache: SnapshotStore;
  readonly services: RunningService[];
  readonly serviceRows: ServiceRow[];
  readonly failures: string[];
  admission?: AdmissionSection;
  scheduling: ScheduleRow[];
  placements: Placement[];
  storage: StorageReport;
}

export async function runWalkthrough(options: WalkthroughOptions): Promise<WalkthroughReport> {
  const workspace = await createWorkspace(options.policies);
  const run: Run = {
    options,
    workspace,
    cache: new SnapshotStore(),
    services: [],
    serviceRows: [],
    failures: [],
    scheduling: [],
    placements: [],
    storage: { skipped: 'the earlier sections did not complete', services: [], steps: [] },
  };
  let source: FileSource | undefined;
  try {
    // The demo's own cache of the cluster: what kube-scheduler's informers would hold.
    source = await startFileSource({
      path: workspace.cluster,
      sink: run.cache,
      watch: false,
      onProblems: (problems) =>
        run.failures.push(...problems.map((p) => `cluster files: ${describeProblem(p)}`)),
    });
    const cache = source;
    const stored = new StoredObjects(workspace.cluster, async () => void (await cache.reload()));
    options.print(renderClusterBrief(options.policies, run.cache));
    await runSections(run, stored);
  } catch (err) {
    run.failures.push(describe(err));
  } finally {
    await stopAll(run, source);
  }
  recordInterruption(run);
  const report = toReport(run);
  options.print(renderSummary(report));
  return report;
}

async function runSections(run: Run, stored: StoredObjects): Promise<void> {
  const { options } = run;
  const started = await startServices(run, stored);
  if (!started) return;
  options.signal?.throwIfAborted();
  run.admission = await runAdmission(options.manifests, started.webhooks, stored);
  options.print(renderAdmission(run.admission.rows, run.admission.notReviewed.map(describeObject)));
  options.signal?.throwIfAborted();
  const scheduled = await runScheduling(
    run.admission.pods,
    started.extender,
    run.cache,
    stored,
    options.signal,
  );
  run.scheduling = scheduled.rows;
  run.placements = scheduled.placements;
  options.print(renderScheduling(run.scheduling));
  options.signal?.throwIfAborted();
  run.storage = { skipped: 'the storage part stopped on a failure (listed below)', services: [], steps: [] };
  run.storage = await storageSection(run, run.admission);
  options.print(renderStorage(run.storage));
}

/** The webhooks and the extender; undefined (with the failure recorded) when one does not start. */
async function startServices(
  run: Run,
  stored: StoredObjects,
): Promise<{ webhooks: { url: string; ca: string }; extender: string } | undefined> {
  try {
    const tls = await issueServingFiles(run.workspace.tls);
    const webhooks = await startWebhooks(run.workspace, tls);
    run.services.push(webhooks);
    stored.watchedBy(webhooks.tap);
    const extender = await startSchedulerExtender(run.workspace);
    run.services.push(extender);
    stored.watchedBy(extender.tap);
    run.serviceRows.push(
      {
        service: webhooks.name,
        endpoint: webhooks.endpoint,
        notes: `TLS from a CA made for this run (${tls.caSubject}); the demo trusts only that CA`,
      },
      { service: extender.name, endpoint: extender.endpoint, notes: 'names-only mode (nodeCacheCapable)' },
      cephRow(run.options.ceph),
    );
    run.options.print(renderServices(run.serviceRows));
    run.options.print(
      `  Every service watches ${run.workspace.cluster}: the demo stores the objects it admits there, as the API server would.\n`,
    );
    return { webhooks: { url: webhooks.endpoint, ca: tls.caPem }, extender: extender.endpoint };
  } catch (err) {
    run.failures.push(`a service failed to start: ${describe(err)}`);
    return undefined;
  }
}

function cephRow(ceph: WalkthroughOptions['ceph']): ServiceRow {
  if ('skip' in ceph) return { service: 'Ceph', endpoint: '-', notes: `storage part skipped: ${ceph.skip}` };
  return {
    service: 'Ceph (scripts/ceph-local.sh)',
    endpoint: `mon ${ceph.mon}`,
    notes: `pool ${ceph.pool}, cephx user ${ceph.userID}; the CSI driver starts with the storage part`,
  };
}

async function storageSection(run: Run, admission: AdmissionSection): Promise<StorageReport> {
  const { ceph, env } = run.options;
  if ('skip' in ceph) return { skipped: ceph.skip, services: [], steps: [] };
  const problem = await whyNodeStageIsUnusable(env);
  const result = await runStorage(
    {
      workspace: run.workspace,
      ceph,
      claims: admission.claims,
      deniedClaims: admission.denied.filter((o) => o['kind'] === 'PersistentVolumeClaim'),
      storageClasses: admission.notReviewed,
      placements: run.placements,
      ...(problem ? { nodeStageProblem: problem } : {}),
      ...(run.options.signal ? { signal: run.options.signal } : {}),
    },
    run.services,
  );
  run.failures.push(...result.failures);
  return {
    ...(result.skipped ? { skipped: result.skipped } : {}),
    services: result.services,
    steps: result.steps,
  };
}

/** An interruption no section noticed (it came during the last one, or while stopping) still counts. */
function recordInterruption(run: Run): void {
  const signal = run.options.signal;
  if (!signal?.aborted) return;
  const text = describe(signal.reason);
  if (!run.failures.includes(text)) run.failures.push(text);
}

/** Stops every service (last started first), the cache, and removes the workspace. */
async function stopAll(run: Run, source: FileSource | undefined): Promise<void> {
  for (const service of [...run.services].reverse()) {
    try {
      await service.stop();
    } catch (err) {
      run.failures.push(`${service.name} did not stop cleanly: ${describe(err)}`);
    }
  }
  await source?.stop();
  const left = await run.workspace.remove();
  if (left) run.failures.push(left);
}

function toReport(run: Run): WalkthroughReport {
  return {
    workspace: run.workspace.root,
    services: [...run.serviceRows, ...run.storage.services],
    admission: run.admission?.rows ?? [],
    notReviewed: (run.admission?.notReviewed ?? []).map(describeObject),
    scheduling: run.scheduling,
    storage: run.storage,
    failures: run.failures,
    serviceLogs: run.services.flatMap((service) => service.tap.problems()),
  };
}

const describeObject = (object: Json): string => `${String(object['kind'])} ${objectName(object)}`;

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
