import { snapshotFromFiles } from '../../../plugins/admission/src/testing/example-snapshot.js';
import { podReview, startHttpsWebhook, type HttpsWebhook } from './support.js';

/**
 * A tenant's attempts to get a pod past Corral's placement, sent as kube-apiserver sends them to
 * the real HTTPS webhooks (examples policies: web-prod is of Department web).
 */
describe('tenant bypass attempts over real HTTPS', () => {
  let hook: HttpsWebhook;
  beforeAll(async () => {
    hook = await startHttpsWebhook(await snapshotFromFiles());
  });
  afterAll(async () => hook.close());

  const MIRROR = { 'kubernetes.io/config.mirror': 'fake' };
  const resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
  const spec = {
    nodeName: 'gpu-a-1',
    containers: [{ name: 'a', image: 'harbor.example.com/web/a:1', resources }],
  };
  /** A pod that claims to be a static pod's mirror: kube-apiserver requires spec.nodeName for it. */
  const mirrorReview = (name: string, userInfo: Record<string, unknown>) => {
    const review = podReview('web-prod', name, spec, { userInfo });
    review.request.object.metadata = { ...review.request.object.metadata, annotations: MIRROR } as never;
    return review;
  };

  it("given a tenant's pod carrying the mirror annotation and spec.nodeName, /validate refuses it", async () => {
    const res = await hook.post(
      '/validate',
      mirrorReview('fake-mirror', { username: 'dev', groups: ['team'] }),
    );
    expect(res.body.response.allowed).toBe(false);
    expect(res.body.response.status.message).toMatch(/\[scheduler-placement\].*spec\.nodeName \(gpu-a-1\)/);
  });

  it("given a kubelet's mirror pod of its static pod, /validate lets it through", async () => {
    const kubelet = { username: 'system:node:gpu-a-1', groups: ['system:nodes', 'system:authenticated'] };
    const res = await hook.post('/validate', mirrorReview('static', kubelet));
    expect(res.body.response.allowed).toBe(true);
  });
});
