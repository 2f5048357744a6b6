import { rawDepartment, rawNamespace, rawNamespacePolicy, SnapshotStore } from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import fc from 'fast-check';
import jsonPatch from 'fast-json-patch';
import { carriesGpuRequest, isGatewayPod, ROLE_LABEL } from '../decide/placement.js';
import { DEFAULT_RULE_SETTINGS } from '../decide/settings.js';
import { ReservationLedger } from '../effects/reservation-ledger.js';
import { podRequest } from '../testing/example-snapshot.js';
import { selectsNode } from '../testing/node-affinity-oracle.js';
import {
  DEPARTMENT,
  NAMESPACE,
  nodeArbitrary,
  placedPodLabelsArbitrary,
  placedPodSpecArbitrary,
  policySettingsArbitrary,
  type NodeShape,
  type PolicySettings,
} from '../testing/placement-arbitraries.js';
import { reviewHandlers } from './review-handlers.js';
import { withAdmission, type InnerHandler } from './with-admission.js';

/**
 * The two webhooks as kube-apiserver runs them on a new pod: the mutating webhook, its patch applied
 * (strictly, as evanphx/json-patch does), the mutating webhook again (reinvocationPolicy IfNeeded),
 * then the validating webhook on the mutated pod; over random Department and NamespacePolicy settings
 * and pods with user-written placement of every shape.
 */
type Json = Record<string, unknown>;
type Pod = { metadata: { labels?: Record<string, string> }; spec: Json };

const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function storeOf(settings: PolicySettings): SnapshotStore {
  const store = new SnapshotStore();
  const labels: Record<string, string> =
    settings.isolation === undefined ? {} : { [DEPARTMENT_LABEL]: DEPARTMENT };
  store.replaceAll('Namespace', [rawNamespace(NAMESPACE, labels)], 'test');
  store.replaceAll('Department', [rawDepartment(DEPARTMENT, settings.department)], 'test');
  store.replaceAll('NamespacePolicy', [rawNamespacePolicy(NAMESPACE, 'policy', settings.policy)], 'test');
  return store;
}

const review = (request: unknown) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request,
});

async function answer(inner: InnerHandler, request: unknown) {
  const out = await withAdmission(review(request), inner, { deadlineMs: 5000, failOpen: () => false });
  expect(out.failure).toBeUndefined();
  return out.review.response;
}

const operationsOf = (patch: string | undefined): jsonPatch.Operation[] =>
  patch === undefined
    ? []
    : (JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as jsonPatch.Operation[]);

/** Is the node in the department's pool and of the pod's role, as Corral's placement asks? */
function placementAllows(settings: PolicySettings, pod: Pod, node: NodeShape): boolean {
  const department = node.labels[DEPARTMENT_LABEL];
  const pooled =
    settings.isolation === 'dedicated'
      ? department === DEPARTMENT
      : department === undefined || department === DEPARTMENT;
  const role = node.labels[ROLE_LABEL];
  if (isGatewayPod(pod.metadata.labels)) return pooled && role === 'gateway';
  if (carriesGpuRequest(pod.spec, DEFAULT_RULE_SETTINGS.gpuResources)) return pooled && role !== 'gateway';
  return pooled && role !== 'gpu' && role !== 'gateway';
}

const affinityOf = (pod: Pod) => pod.spec['affinity'] as { nodeAffinity?: Json } | undefined;

/** What the user wrote that the mutation may only add to: each list keeps its items, in place. */
function expectKept(before: Pod, after: Pod): void {
  for (const list of ['tolerations', 'imagePullSecrets'] as const) {
    const items = (before.spec[list] as unknown[] | undefined) ?? [];
    expect(((after.spec[list] as unknown[] | undefined) ?? []).slice(0, items.length), list).toEqual(items);
  }
  expect(affinityOf(after)?.nodeAffinity?.['preferredDuringSchedulingIgnoredDuringExecution']).toEqual(
    affinityOf(before)?.nodeAffinity?.['preferredDuringSchedulingIgnoredDuringExecution'],
  );
  expect(after.spec['nodeSelector']).toEqual(before.spec['nodeSelector']);
  for (const list of ['containers', 'initContainers'] as const) {
    const items = (before.spec[list] as Json[] | undefined) ?? [];
    items.forEach((container, index) => {
      const mutated = (after.spec[list] as Json[])[index] ?? {};
      expect(mutated['image']).toBe(container['image']);
      expect(mutated['resources']).toMatchObject((container['resources'] as Json | undefined) ?? {});
    });
  }
}

describe('mutate, reinvoke, validate: random policies and pods', () => {
  it('given any policy and pod, the patch applies, a second call patches nothing, nothing the user wrote is weakened, and validation admits the pod', async () => {
    await fc.assert(
      fc.asyncProperty(
        policySettingsArbitrary,
        placedPodSpecArbitrary,
        placedPodLabelsArbitrary,
        fc.array(nodeArbitrary, { minLength: 8, maxLength: 8 }),
        async (settings, spec, labels, nodes) => {
          const store = storeOf(settings);
          expect(store.namespacePolicy(NAMESPACE)).toBeDefined();
          if (settings.isolation !== undefined)
            expect(store.departmentOfNamespace(NAMESPACE)).toBe(DEPARTMENT);
          const ledger = new ReservationLedger({ ttlMs: 60_000, isCounted: () => false });
          const handlers = reviewHandlers(store, DEFAULT_RULE_SETTINGS, ledger);
          const request = asJson(podRequest(NAMESPACE, spec, { labels }));
          const first = await answer(handlers.mutate, request);
          expect(first.allowed).toBe(true);
          // As kube-apiserver applies it: a replace or remove of a missing path is an error.
          const mutated = jsonPatch.applyPatch(asJson(request.object), operationsOf(first.patch), true)
            .newDocument as Pod;
          const again = await answer(handlers.mutate, { ...request, object: mutated });
          expect(again.patch).toBeUndefined();
          const original = request.object as Pod;
          expectKept(original, mutated);
          for (const node of nodes) {
            const before = selectsNode(original.spec, node);
            const after = selectsNode(mutated.spec, node);
            // Never widened: a node the user's own terms rule out stays out.
            if (after) expect(before, JSON.stringify(node)).toBe(true);
            if (settings.isolation === undefined) expect(after).toBe(before);
            // Narrowed only to the department's pool and the pod's role.
            else expect(after, JSON.stringify(node)).toBe(before && placementAllows(settings, mutated, node));
          }
          const validated = await answer(handlers.validate, { ...request, uid: 'v', object: mutated });
          expect(validated.status?.message).toBeUndefined();
          expect(validated.allowed).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
