import { decisionSummary, examplesValidator } from '../testing/validate-examples.js';
import { EMPTY_USAGE, UNIT } from '@corral/cluster';
import { podRequest } from '../testing/example-snapshot.js';
import type { AdmissionRequest } from './request.js';
import type { ReservedUsage } from './validate.js';

const { snapshot, validate } = await examplesValidator();
const summary = decisionSummary;
const SHA = `@sha256:${'d'.repeat(64)}`;
/** As the mutating webhook leaves it in namespaces with defaults: cpu and memory requests and limits. */
const SIZED = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
const pod = (image: string, resources: Record<string, unknown> = SIZED) => ({
  containers: [{ name: 'app', image, resources }],
});

describe('validateRequest: images and enforcement modes', () => {
  const cases: [string, AdmissionRequest, string[]][] = [
    [
      'web-prod :latest (enforce)',
      podRequest('web-prod', pod('harbor.example.com/web/storefront:latest')),
      ['image-forbid-latest:fail'],
    ],
    [
      'web-staging :latest (warn)',
      podRequest('web-staging', pod('harbor.example.com/web/storefront:latest')),
      ['image-forbid-latest:warn'],
    ],
    [
      'research-ml denied (audit)',
      podRequest('research-ml', pod('harbor.example.com/research/ml/experimental/x:1')),
      ['image-denied-registry:warn:audit'],
    ],
    [
      'finance-prod pinned',
      podRequest('finance-prod', pod(`harbor.example.com/finance/payments/api:1${SHA}`)),
      [],
    ],
    ['kube-system anything', podRequest('kube-system', pod('evil.io/x')), []],
  ];
  it.each(cases)('given %s, returns %j', (_what, request, expected) => {
    expect(summary(validate(request).decisions)).toEqual(expected);
  });

  it('given a Deployment with a bad image, fails at the template', () => {
    const request: AdmissionRequest = {
      uid: 'u',
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      namespace: 'web-prod',
      name: 'd',
      operation: 'CREATE',
      object: { spec: { template: { spec: pod('docker.io/nginx:1') } } },
    };
    expect(summary(validate(request).decisions)).toEqual(['image-registry:fail']);
  });

  it('given a CronJob with a bad init image, fails at jobTemplate.spec.template', () => {
    const request: AdmissionRequest = {
      uid: 'u',
      kind: { group: 'batch', version: 'v1', kind: 'CronJob' },
      namespace: 'web-prod',
      operation: 'CREATE',
      object: {
        spec: {
          jobTemplate: {
            spec: {
              template: { spec: { initContainers: [{ name: 'i', image: 'quay.io/x:1' }], containers: [] } },
            },
          },
        },
      },
    };
    expect(summary(validate(request).decisions)).toEqual(['image-registry:fail']);
  });

  it('given a pod UPDATE that keeps the images, skips the image rules', () => {
    const request = { ...podRequest('web-prod', pod('docker.io/nginx:1'), { operation: 'UPDATE' }) };
    const withOld = { ...request, oldObject: request.object };
    expect(summary(validate(withOld).decisions)).toEqual([]);
  });

  it('given a pod UPDATE that changes an image, checks it', () => {
    const request = podRequest('web-prod', pod('docker.io/nginx:2'), { operation: 'UPDATE' });
    const old = podRequest('web-prod', pod('harbor.example.com/web/a:1')).object;
    expect(summary(validate({ ...request, oldObject: old }).decisions)).toEqual(['image-registry:fail']);
  });

  it('given a pod naming its node or another scheduler, fails (warns in warn mode); a bound pod UPDATE passes', () => {
    const pinned = { ...pod('harbor.example.com/web/a:1'), nodeName: 'gpu-3' };
    expect(summary(validate(podRequest('web-prod', pinned)).decisions)).toEqual(['scheduler-placement:fail']);
    expect(summary(validate(podRequest('web-staging', pinned)).decisions)).toEqual([
      'scheduler-placement:warn',
    ]);
    const elsewhere = { ...pod('harbor.example.com/web/a:1'), schedulerName: 'volcano' };
    expect(summary(validate(podRequest('web-prod', elsewhere)).decisions)).toEqual([
      'scheduler-placement:fail',
    ]);
    const bound = podRequest('web-prod', pinned, { operation: 'UPDATE' });
    expect(summary(validate({ ...bound, oldObject: bound.object }).decisions)).toEqual([]);
    // Namespaces of no department keep other schedulers and node-pinned pods (kubectl debug node/...).
    expect(
      summary(validate(podRequest('sandbox', { ...pinned, schedulerName: 'volcano' })).decisions),
    ).toEqual([]);
  });

  it('given a pod UPDATE adding an ephemeral container, checks the new container only', () => {
    // finance-prod requires digests; the running container predates that rule.
    const running = {
      containers: [{ name: 'app', image: 'harbor.example.com/finance/payments/api:1.0', resources: SIZED }],
    };
    const old = podRequest('finance-prod', running).object;
    const debug = (image: string) => ({ ...running, ephemeralContainers: [{ name: 'debugger', image }] });
    const update = (image: string) => ({
      ...podRequest('finance-prod', debug(image), { operation: 'UPDATE' }),
      subResource: 'ephemeralcontainers',
      oldObject: old,
    });
    expect(summary(validate(update(`harbor.example.com/library/busybox:1.36${SHA}`)).decisions)).toEqual([]);
    const refused = validate(update('docker.io/library/busybox:1.36')).decisions;
    expect(summary(refused)).toEqual(['image-registry:fail', 'image-require-digest:fail']);
    expect(refused.every((decision) => decision.message.includes('debugger'))).toBe(true);
  });

  describe('a workload whose template names another scheduler (it predates the department)', () => {
    const workload = (spec: Record<string, unknown>, template: Record<string, unknown>) => ({
      metadata: { name: 'w', namespace: 'web-prod' },
      spec: { ...spec, jobTemplate: { spec: { template: { spec: template } } } },
    });
    const volcano = { ...pod('harbor.example.com/web/a:1'), schedulerName: 'volcano' };
    const update = (object: unknown, oldObject: unknown): AdmissionRequest => ({
      uid: 'u',
      kind: { group: 'batch', version: 'v1', kind: 'CronJob' },
      namespace: 'web-prod',
      name: 'w',
      operation: 'UPDATE',
      object,
      oldObject,
    });

    it.each([
      ['suspended', { suspend: true }, {}],
      ['with its finalizer removed by the garbage collector', {}, {}],
    ])('given it %s (template unchanged), passes', (_what, spec, metadata) => {
      const before = { ...workload({}, volcano), metadata: { finalizers: ['foregroundDeletion'] } };
      const after = { ...workload(spec, volcano), metadata };
      expect(summary(validate(update(after, before)).decisions)).toEqual([]);
    });

    it('given an UPDATE that changes its template, refuses it naming the scheduler', () => {
      const next = { ...volcano, containers: [{ name: 'app', image: 'harbor.example.com/web/a:2' }] };
      const decisions = validate(update(workload({}, next), workload({}, volcano))).decisions;
      expect(summary(decisions)).toEqual(['scheduler-placement:fail']);
    });
  });

  it('given a Deployment UPDATE changing one image, checks every container of the template', () => {
    const template = (image: string) => ({
      containers: [
        { name: 'old', image: 'docker.io/nginx:1' },
        { name: 'new', image },
      ],
    });
    const request: AdmissionRequest = {
      uid: 'u',
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      namespace: 'web-prod',
      name: 'd',
      operation: 'UPDATE',
      object: { spec: { template: { spec: template('harbor.example.com/web/a:2') } } },
      oldObject: { spec: { template: { spec: template('harbor.example.com/web/a:1') } } },
    };
    expect(summary(validate(request).decisions)).toEqual(['image-registry:fail']);
  });

  describe('default limits a template leaves out', () => {
    const bigCpu = (image: string) => ({
      containers: [{ name: 'app', image, resources: { requests: { cpu: '3', memory: '128Mi' } } }],
    });
    const deployment = (namespace: string, image: string): AdmissionRequest => ({
      uid: 'u',
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      namespace,
      name: 'd',
      operation: 'CREATE',
      object: { spec: { replicas: 2, template: { spec: bigCpu(image) } } },
    });
    const FINANCE = `harbor.example.com/finance/payments/api:1${SHA}`;
    const WARNING = 'containers[0] "app": no default cpu limit 1: its request 3 is above it';

    it('given a Deployment whose container requests more cpu than the default limit, warns once', () => {
      const warnings = validate(deployment('finance-prod', FINANCE)).decisions.filter(
        (d) => d.rule === 'default-limits',
      );
      expect(warnings).toEqual([{ rule: 'default-limits', outcome: 'warn', message: WARNING }]);
    });

    it('given audit mode, still shows it (a warning, not a relaxed denial)', () => {
      const request = deployment('research-ml', 'harbor.example.com/research/ml/x:1');
      expect(summary(validate(request).decisions)).toContain('default-limits:warn');
    });

    it('given a scale of that Deployment (template unchanged), warns nothing', () => {
      const created = deployment('finance-prod', FINANCE);
      const object = { spec: { replicas: 5, template: { spec: bigCpu(FINANCE) } } };
      const request: AdmissionRequest = {
        ...created,
        operation: 'UPDATE',
        object,
        oldObject: created.object,
      };
      expect(summary(validate(request).decisions)).toEqual([]);
    });

    it('given a pod (the mutating webhook warns it), does not warn again', () => {
      const request = podRequest('finance-prod', bigCpu(FINANCE));
      expect(validate(request).decisions.filter((d) => d.rule === 'default-limits')).toEqual([]);
    });
  });

  it('given a DELETE, skips', () => {
    expect(
      validate({ ...podRequest('web-prod', {}), operation: 'DELETE' } as AdmissionRequest).decisions[0]
        ?.outcome,
    ).toBe('skip');
  });
});

describe('validateRequest: quotas', () => {
  it('given a finance GPU pod, fails the department quota (requests.nvidia.com/gpu: 0)', () => {
    const request = podRequest(
      'finance-prod',
      pod(`harbor.example.com/finance/payments/api:1${SHA}`, {
        limits: { ...SIZED.limits, 'nvidia.com/gpu': '1' },
      }),
    );
    expect(summary(validate(request).decisions)).toEqual(['department-quota:fail']);
  });

  it('given a research-ml pod taking 2 GPUs (5 + 2 > 6) in audit mode, allows, audits, and still demands', () => {
    const request = podRequest(
      'research-ml',
      pod('nvcr.io/nvidia/cuda:12', { limits: { ...SIZED.limits, 'nvidia.com/gpu': '2' } }),
    );
    const result = validate(request);
    expect(summary(result.decisions)).toEqual(['namespace-quota:warn:audit']);
    expect(result.demand?.usage.get('requests.nvidia.com/gpu')).toBe(2n * UNIT);
    expect(result.demand?.scopes).toEqual(['namespace/research-ml', 'department/research']);
  });

  it('given reservations filling the namespace pods quota, fails', () => {
    const full: ReservedUsage = (scope) => ({
      held: scope === 'namespace/web-staging' ? new Map([['pods', 100n * UNIT]]) : EMPTY_USAGE,
      less: EMPTY_USAGE,
    });
    const request = podRequest('web-staging', pod('harbor.example.com/web/a:1'));
    expect(summary(validate(request, full).decisions)).toContain('namespace-quota:warn');
  });

  it('given a PVC over the namespace storage quota, fails with the key', () => {
    const request: AdmissionRequest = {
      uid: 'u',
      kind: { group: '', version: 'v1', kind: 'PersistentVolumeClaim' },
      namespace: 'finance-prod',
      name: 'big',
      operation: 'CREATE',
      object: {
        metadata: { name: 'big', namespace: 'finance-prod' },
        spec: { resources: { requests: { storage: '1Ti' } } },
      },
    };
    const result = validate(request);
    expect(summary(result.decisions)).toEqual(['namespace-quota:fail', 'department-quota:fail']);
    expect(result.decisions[0]?.message).toContain('requests.storage');
  });

  it('given a pod with an unparseable quantity, fails with the field', () => {
    const request = podRequest('web-prod', pod('harbor.example.com/web/a:1', { requests: { cpu: 'lots' } }));
    const failed = validate(request).decisions.find((d) => d.rule === 'quota');
    expect(failed?.message).toContain('/spec/containers/0/resources/requests');
  });
});

describe('validateRequest: policy objects and namespaces', () => {
  const policyRequest = (kind: string, object: unknown): AdmissionRequest => ({
    uid: 'u',
    kind: { group: 'corral.dev', version: 'v1alpha1', kind },
    name: 'x',
    operation: 'CREATE',
    object,
  });

  it('given an invalid Department, denies with 422 naming the field', () => {
    const bad = {
      apiVersion: 'corral.dev/v1alpha1',
      kind: 'Department',
      metadata: { name: 'x' },
      spec: { quota: { hard: { 'requests.cpu': 'lots' } } },
    };
    const [decision] = validate(policyRequest('Department', bad)).decisions;
    expect(decision).toMatchObject({ rule: 'policy-object-valid', outcome: 'fail', code: 422 });
    expect(decision?.message).toContain('/spec/quota/hard/requests.cpu');
  });

  it("given a Department claiming finance's namespaces, denies 422 naming the conflict", () => {
    const rival = {
      apiVersion: 'corral.dev/v1alpha1',
      kind: 'Department',
      metadata: { name: 'rival' },
      spec: { namespaceSelector: { matchLabels: { 'corral.dev/department': 'finance' } } },
    };
    const [decision] = validate(policyRequest('Department', rival)).decisions;
    expect(decision).toMatchObject({ outcome: 'fail', code: 422 });
    expect(decision?.message).toMatch(/finance-prod/);
  });

  it('given a NamespacePolicy wider than its department, denies 422', () => {
    const wide = {
      apiVersion: 'corral.dev/v1alpha1',
      kind: 'NamespacePolicy',
      metadata: { name: 'policy', namespace: 'finance-prod' },
      spec: { images: { allowedRegistries: ['docker.io/'] } },
    };
    const [decision] = validate(policyRequest('NamespacePolicy', wide)).decisions;
    expect(decision).toMatchObject({ outcome: 'fail', code: 422 });
    expect(decision?.message).toMatch(/docker\.io/);
  });

  it.each([
    ["research's RADOS namespace", { storage: { pool: 'rbd', radosNamespace: 'research' } }, /research/],
    [
      "research's namespaces",
      {
        namespaceSelector: {
          matchExpressions: [
            { key: 'corral.dev/department', operator: 'In', values: ['finance', 'research'] },
          ],
        },
      },
      /research-/,
    ],
  ])(
    'given an update of the older finance Department taking %s, denies 422 (the younger one would lose it)',
    (_what, change, named) => {
      const finance = snapshot.department('finance') as { spec: Record<string, unknown> };
      const updated = { ...finance, spec: { ...finance.spec, ...change } };
      const [decision] = validate({ ...policyRequest('Department', updated), operation: 'UPDATE' }).decisions;
      expect(decision).toMatchObject({ rule: 'policy-object-valid', outcome: 'fail', code: 422 });
      expect(decision?.message).toMatch(named);
    },
  );

  it('given the applied finance Department again (an update), passes', () => {
    const finance = snapshot.department('finance');
    expect(validate(policyRequest('Department', finance)).decisions[0]?.outcome).toBe('pass');
  });

  it('given a NamespacePolicy whose defaults pods could not take (a GPU request without a limit), denies 422', () => {
    const gpu = {
      apiVersion: 'corral.dev/v1alpha1',
      kind: 'NamespacePolicy',
      metadata: { name: 'p', namespace: 'n' },
      spec: { defaults: { requests: { 'nvidia.com/gpu': '1' } } },
    };
    const [decision] = validate(policyRequest('NamespacePolicy', gpu)).decisions;
    expect(decision).toMatchObject({ outcome: 'fail', code: 422 });
    expect(decision?.message).toMatch(/nvidia\.com\/gpu cannot be overcommitted/);
  });

  it('given a valid NamespacePolicy, passes', () => {
    const good = {
      apiVersion: 'corral.dev/v1alpha1',
      kind: 'NamespacePolicy',
      metadata: { name: 'p', namespace: 'n' },
      spec: { enforcement: 'warn' },
    };
    expect(validate(policyRequest('NamespacePolicy', good)).decisions[0]?.outcome).toBe('pass');
  });

  it('given a namespace labelled for an unknown department, warns', () => {
    const request: AdmissionRequest = {
      uid: 'u',
      kind: { group: '', version: 'v1', kind: 'Namespace' },
      name: 'n',
      operation: 'UPDATE',
      object: { metadata: { name: 'n', labels: { 'corral.dev/department': 'nope' } } },
    };
    expect(summary(validate(request).decisions)).toEqual(['namespace-department:warn']);
  });
});
