import {
  AdmissionregistrationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type V1Secret,
} from '@kubernetes/client-node';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from './index.js';

/** The HTTP status of a failed client-node call (ApiException.code). */
async function codeOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

describe('fake API server writes (kube-apiserver semantics)', () => {
  let api: FakeApiServer;
  let core: CoreV1Api;
  beforeEach(async () => {
    api = await startFakeApiServer();
    core = fakeKubeConfig(api.url, 't').makeApiClient(CoreV1Api);
  });
  afterEach(async () => api.close());

  const secret = (data: Record<string, string>): V1Secret => ({
    metadata: { name: 's', namespace: 'corral-system' },
    data,
  });

  it('creates once (409 AlreadyExists after), replaces with optimistic concurrency, deletes', async () => {
    const created = await core.createNamespacedSecret({
      namespace: 'corral-system',
      body: secret({ a: 'MQ==' }),
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect(
      await codeOf(core.createNamespacedSecret({ namespace: 'corral-system', body: secret({ a: 'Mg==' }) })),
    ).toBe(409);
    const replaced = await core.replaceNamespacedSecret({
      name: 's',
      namespace: 'corral-system',
      body: { ...created, data: { a: 'Mg==' } },
    });
    expect(replaced.metadata?.resourceVersion).not.toBe(created.metadata?.resourceVersion);
    expect(replaced.metadata?.uid).toBe(created.metadata?.uid);
    // A second writer still holding the first version loses.
    expect(
      await codeOf(
        core.replaceNamespacedSecret({
          name: 's',
          namespace: 'corral-system',
          body: { ...created, data: {} },
        }),
      ),
    ).toBe(409);
    expect((await core.readNamespacedSecret({ name: 's', namespace: 'corral-system' })).data).toEqual({
      a: 'Mg==',
    });
    await core.deleteNamespacedSecret({ name: 's', namespace: 'corral-system' });
    expect(await codeOf(core.readNamespacedSecret({ name: 's', namespace: 'corral-system' }))).toBe(404);
    expect(await codeOf(core.deleteNamespacedSecret({ name: 's', namespace: 'corral-system' }))).toBe(404);
  });

  it('replacing or patching a missing object is 404', async () => {
    expect(
      await codeOf(core.replaceNamespacedSecret({ name: 's', namespace: 'corral-system', body: secret({}) })),
    ).toBe(404);
  });

  it('applies JSON Patch (a failed test op is 422) to cluster-scoped webhook configurations', async () => {
    const admission = fakeKubeConfig(api.url, 't').makeApiClient(AdmissionregistrationV1Api);
    await admission.createMutatingWebhookConfiguration({
      body: {
        metadata: { name: 'corral-admission' },
        webhooks: [
          {
            name: 'mutate.corral.dev',
            admissionReviewVersions: ['v1'],
            sideEffects: 'NoneOnDryRun',
            clientConfig: { service: { name: 'corral-admission', namespace: 'corral-system' } },
          },
        ],
      },
    });
    const patched = await admission.patchMutatingWebhookConfiguration({
      name: 'corral-admission',
      body: [{ op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: 'Q0E=' }],
    });
    expect(patched.webhooks?.[0]?.clientConfig.caBundle).toBe('Q0E=');
    expect(
      await codeOf(
        admission.patchMutatingWebhookConfiguration({
          name: 'corral-admission',
          body: [{ op: 'test', path: '/webhooks/0/clientConfig/caBundle', value: 'other' }],
        }),
      ),
    ).toBe(422);
  });

  it('serves Leases with generateName and resourceVersion conflicts', async () => {
    const leases = fakeKubeConfig(api.url, 't').makeApiClient(CoordinationV1Api);
    const lease = await leases.createNamespacedLease({
      namespace: 'corral-system',
      body: { metadata: { generateName: 'lock-' }, spec: { holderIdentity: 'a' } },
    });
    expect(lease.metadata?.name).toMatch(/^lock-[0-9a-f]{5}$/);
    const name = lease.metadata?.name ?? '';
    await leases.replaceNamespacedLease({
      name,
      namespace: 'corral-system',
      body: { ...lease, spec: { holderIdentity: 'b' } },
    });
    expect(
      await codeOf(
        leases.replaceNamespacedLease({ name, namespace: 'corral-system', body: { ...lease, spec: {} } }),
      ),
    ).toBe(409);
  });

  it('takes a CRD status only through /status, and shows writes to watches', async () => {
    const custom = fakeKubeConfig(api.url, 't').makeApiClient(CustomObjectsApi);
    const coords = { group: 'corral.dev', version: 'v1alpha1', plural: 'departments' };
    await custom.createClusterCustomObject({
      ...coords,
      body: {
        apiVersion: 'corral.dev/v1alpha1',
        kind: 'Department',
        metadata: { name: 'finance' },
        spec: { mode: 'shared' },
        status: { used: { pods: '9' } },
      },
    });
    const before = (await custom.getClusterCustomObject({ ...coords, name: 'finance' })) as Record<
      string,
      unknown
    >;
    expect(before['status']).toBeUndefined();
    await custom.patchClusterCustomObjectStatus({
      ...coords,
      name: 'finance',
      body: [{ op: 'add', path: '/status', value: { used: { pods: '1' } } }],
    });
    await custom.patchClusterCustomObject({
      ...coords,
      name: 'finance',
      body: [
        { op: 'replace', path: '/spec/mode', value: 'dedicated' },
        { op: 'add', path: '/status', value: { used: { pods: '7' } } },
      ],
    });
    const after = (await custom.getClusterCustomObject({ ...coords, name: 'finance' })) as Record<
      string,
      unknown
    >;
    expect(after['spec']).toEqual({ mode: 'dedicated' });
    expect(after['status']).toEqual({ used: { pods: '1' } });
    const list = await fetch(`${api.url}/apis/corral.dev/v1alpha1/departments`).then((r) => r.json());
    const since = Number((list as { metadata: { resourceVersion: string } }).metadata.resourceVersion) - 3;
    const watch = await fetch(
      `${api.url}/apis/corral.dev/v1alpha1/departments?watch=1&resourceVersion=${since}`,
    );
    const reader = watch.body!.getReader();
    let text = '';
    while (text.split('\n').length < 4) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(
      text
        .split('\n')
        .slice(0, 3)
        .map((l) => (JSON.parse(l) as { type: string }).type),
    ).toEqual(['ADDED', 'MODIFIED', 'MODIFIED']);
  });
});
