import jsonPatch from 'fast-json-patch';
import { snapshotFromFiles } from '../../../plugins/admission/src/testing/example-snapshot.js';
import { podReview, startHttpsWebhook, type HttpsWebhook } from './support.js';

type Json = Record<string, unknown>;
type Container = { name: string; resources?: { requests?: Json; limits?: Json } };
type Pod = { metadata: Json; spec: { containers: Container[]; resources?: Json } };

const IMAGE = `harbor.example.com/finance/payments/api:1@sha256:${'e'.repeat(64)}`;

/** kube-apiserver's defaulting, which runs again after each mutating webhook: requests from limits. */
function apiDefaulted(pod: Pod): Pod {
  const copy = structuredClone(pod);
  for (const container of copy.spec.containers) {
    const { limits } = container.resources ?? {};
    if (limits === undefined) continue;
    container.resources = {
      ...container.resources,
      requests: { ...limits, ...container.resources?.requests },
    };
  }
  return copy;
}

describe('NamespacePolicy defaults through the webhooks over HTTPS (finance-prod)', () => {
  let hook: HttpsWebhook;
  beforeAll(async () => {
    hook = await startHttpsWebhook(await snapshotFromFiles());
  });
  afterAll(async () => hook.close());

  /**
   * /mutate, then the pod as kube-apiserver stores it (patched and defaulted again), with the
   * warnings the webhook answered (kubectl prints each on a line).
   */
  async function mutatedWithWarnings(name: string, spec: Json): Promise<{ pod: Pod; warnings?: string[] }> {
    const review = podReview('finance-prod', name, spec);
    const res = await hook.post('/mutate', review);
    expect(res.body.response).toMatchObject({ allowed: true, patchType: 'JSONPatch' });
    const operations = JSON.parse(Buffer.from(res.body.response.patch, 'base64').toString('utf8'));
    const object = structuredClone(review.request.object) as unknown as Pod;
    const pod = apiDefaulted(jsonPatch.applyPatch(object, operations).newDocument);
    return { pod, warnings: res.body.response.warnings };
  }

  /** A review of the pod as stored (its metadata too: the department label is already there). */
  const reviewOf = (name: string, pod: Pod) => {
    const review = podReview('finance-prod', name, {});
    return { ...review, request: { ...review.request, object: pod } };
  };
  const validate = async (name: string, pod: Pod) =>
    (await hook.post('/validate', reviewOf(name, pod))).body.response;

  it('given a pod sized at pod level, writes no container default for those resources, and admits it', async () => {
    // A container limit above the pod-level limit (cpu 1 > 200m) would make kube-apiserver refuse it.
    const { pod, warnings } = await mutatedWithWarnings('pod-level', {
      resources: { limits: { cpu: '200m' } },
      containers: [{ name: 'a', image: IMAGE }],
    });
    expect(warnings).toEqual([
      '[default-limits] containers[0] "a": no default cpu limit 1: the pod sets cpu in spec.resources',
    ]);
    expect(pod.spec.containers[0]?.resources).toEqual({
      requests: { memory: '128Mi' },
      limits: { memory: '512Mi' },
    });
    expect(await validate('pod-level', pod)).toMatchObject({ allowed: true });
    // Called again (reinvocationPolicy IfNeeded) on what the API server holds: nothing to add.
    const again = await hook.post('/mutate', reviewOf('pod-level', pod));
    expect(again.body.response.patch).toBeUndefined();
  });

  it('given a cpu request above the default limit, writes no limit and the quota refusal says to set one', async () => {
    const { pod, warnings } = await mutatedWithWarnings('big', {
      containers: [{ name: 'a', image: IMAGE, resources: { requests: { cpu: '3' } } }],
    });
    expect(warnings).toEqual([
      '[default-limits] containers[0] "a": no default cpu limit 1: its request 3 is above it',
    ]);
    expect(pod.spec.containers[0]?.resources).toEqual({
      requests: { cpu: '3', memory: '128Mi' },
      limits: { memory: '512Mi' },
    });
    const response = await validate('big', pod);
    expect(response).toMatchObject({ allowed: false, status: { code: 403 } });
    const message = (response.status as { message: string }).message;
    expect(message).toContain('set resources.limits.cpu in containers[0] "a" (at least its request');
    expect(message).toContain('default limit cpu 1');
    expect(message).not.toContain('ask a platform admin');
  });

  it('given pod-level cpu and a container memory request above the default limit, admits it as ResourceQuota would', async () => {
    // finance-prod's quotas limit limits.memory; ResourceQuota asks nothing of the containers of a
    // pod that sets resources at pod level (IsPodLevelResourcesSet), even for memory, not set there.
    const { pod, warnings } = await mutatedWithWarnings('partly-pod-level', {
      resources: { requests: { cpu: '500m' }, limits: { cpu: '500m' } },
      containers: [{ name: 'a', image: IMAGE, resources: { requests: { memory: '1Gi' } } }],
    });
    expect(pod.spec.containers[0]?.resources).toEqual({ requests: { memory: '1Gi' } });
    expect(warnings).toEqual([
      '[default-limits] containers[0] "a": no default memory limit 512Mi: its request 1Gi is above it',
      '[default-limits] containers[0] "a": no default cpu limit 1: the pod sets cpu in spec.resources',
    ]);
    expect(await validate('partly-pod-level', pod)).toMatchObject({ allowed: true });
  });
});
