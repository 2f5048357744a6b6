import type { Department, NamespacePolicy } from '@corral/policy';
import { snapshotFromFiles } from '../testing/example-snapshot.js';
import { decisionSummary, examplesValidator } from '../testing/validate-examples.js';
import type { Decision } from './decision.js';
import { checkImages, imagePolicyOf, imagesOf, type ImagePolicy } from './image-rules.js';
import type { AdmissionRequest } from './request.js';

const SHA = `@sha256:${'c'.repeat(64)}`;
const snapshot = await snapshotFromFiles();

function policyOf(namespace: string): ImagePolicy {
  const department = snapshot.departmentOfNamespace(namespace);
  return imagePolicyOf(
    department ? snapshot.department(department) : undefined,
    snapshot.namespacePolicy(namespace),
  );
}

const failures = (decisions: Decision[]) =>
  decisions
    .filter((d) => d.outcome === 'fail')
    .map((d) => d.rule)
    .sort();

describe('checkImages against the examples', () => {
  const cases: [namespace: string, image: string, failing: string[]][] = [
    // finance-prod: payments/, ledger/, library/ only; deny library/unsupported/; no latest; digest required
    ['finance-prod', `harbor.example.com/finance/payments/api:1${SHA}`, []],
    ['finance-prod', 'harbor.example.com/finance/payments/api:1', ['image-require-digest']],
    ['finance-prod', `harbor.example.com/finance/reports/x:1${SHA}`, ['image-registry']],
    ['finance-prod', `harbor.example.com/finance/../hr/app:1${SHA}`, ['image-reference']],
    ['finance-prod', `harbor.example.com/financex/payments/api:1${SHA}`, ['image-registry']],
    ['finance-prod', `harbor.example.com/library/unsupported/x:1${SHA}`, ['image-denied-registry']],
    ['finance-prod', `harbor.example.com/library/busybox${SHA}`, []],
    ['finance-prod', 'harbor.example.com/library/busybox', ['image-forbid-latest', 'image-require-digest']],
    ['finance-prod', `docker.io/library/nginx:1${SHA}`, ['image-registry']],
    ['finance-prod', `nginx:1${SHA}`, ['image-registry']],
    ['finance-prod', `harbor.example.com:443/finance/payments/api:1${SHA}`, []],
    ['finance-prod', `harbor.example.com:5000/finance/payments/api:1${SHA}`, ['image-registry']],
    // finance-dev: the department's list; latest forbidden (warn mode is applied later)
    ['finance-dev', 'harbor.example.com/finance/reports/x:1', []],
    ['finance-dev', 'harbor.example.com/finance/reports/x:latest', ['image-forbid-latest']],
    ['finance-dev', 'harbor.example.com/research/x:1', ['image-registry']],
    // research-batch: no NamespacePolicy, only the department's prefixes
    ['research-batch', 'nvcr.io/nvidia/cuda:12', []],
    ['research-batch', 'nvcr.io/nvidiax/cuda:12', ['image-registry']],
    ['research-batch', 'harbor.example.com/research/anything:latest', []],
    // research-ml: deny list wins inside an allowed prefix
    ['research-ml', 'harbor.example.com/research/ml/experimental/x:1', ['image-denied-registry']],
    ['research-ml', 'harbor.example.com/research/ml/trainer:1', []],
    // web-prod: deny web/experimental/
    ['web-prod', 'harbor.example.com/web/storefront:latest', ['image-forbid-latest']],
    ['web-prod', 'harbor.example.com/web/experimental/x:1', ['image-denied-registry']],
    // the HTTPS port is the same registry: no way around a deny list, allowed where the host is
    ['web-prod', 'harbor.example.com:443/web/experimental/x:1', ['image-denied-registry']],
    ['web-prod', 'harbor.example.com:00443/web/experimental/x:1', ['image-denied-registry']],
    ['web-prod', 'harbor.example.com:443/web/storefront:1', []],
    ['web-prod', 'harbor.example.com:8443/web/storefront:1', ['image-registry']],
    // a prefix ending in "/" covers images under it, not the repository of its own name
    ['web-prod', 'harbor.example.com/web:1', ['image-registry']],
    ['web-prod', `harbor.example.com/library${SHA}`, ['image-registry']],
    ['web-prod', 'harbor.example.com/web/storefront:1', []],
    ['web-prod', 'harbor.example.com/library/nginx:1', []],
    // a denied prefix also denies the repository of its own name (the safe reading)
    ['web-prod', 'harbor.example.com/web/experimental:1', ['image-denied-registry']],
    ['research-batch', 'nvcr.io/nvidia:12', ['image-registry']],
    ['finance-prod', `harbor.example.com/finance/payments${SHA}`, ['image-registry']],
    // sandbox: no department, no policy
    ['sandbox', 'docker.io/anything:latest', []],
  ];

  it.each(cases)('given %s and %s, fails %j', (namespace, image, failing) => {
    const spec = { containers: [{ name: 'app', image }] };
    expect(failures(checkImages(spec, policyOf(namespace)))).toEqual(failing);
  });

  it('given a bad image in an init or ephemeral container, fails it and names where', () => {
    const good = `harbor.example.com/finance/payments/api:1${SHA}`;
    const spec = {
      initContainers: [{ name: 'init', image: 'docker.io/evil:1' }],
      containers: [{ name: 'app', image: good }],
      ephemeralContainers: [{ name: 'debug', image: 'busybox' }],
    };
    const decisions = checkImages(spec, policyOf('finance-prod'));
    const messages = decisions.filter((d) => d.outcome === 'fail').map((d) => d.message);
    expect(messages.some((m) => m.startsWith('initContainers[0] "init"'))).toBe(true);
    expect(messages.some((m) => m.startsWith('ephemeralContainers[0] "debug"'))).toBe(true);
    expect(messages.some((m) => m.startsWith('containers[0]'))).toBe(false);
  });

  it('given every image allowed, answers one pass for the pod', () => {
    const good = `harbor.example.com/finance/payments/api:1${SHA}`;
    const spec = { initContainers: [{ name: 'i', image: good }], containers: [{ name: 'a', image: good }] };
    expect(checkImages(spec, policyOf('finance-prod'))).toEqual([
      { rule: 'image-registry', outcome: 'pass', message: '' },
    ]);
  });

  it('given the same bad image in two containers, names each container in its own failure', () => {
    const bad = 'docker.io/evil:1';
    const spec = {
      containers: [
        { name: 'a', image: bad },
        { name: 'b', image: bad },
      ],
    };
    for (let round = 0; round < 2; round++) {
      // The second round answers from the per-policy cache: the messages must not change.
      const messages = checkImages(spec, policyOf('finance-prod'))
        .filter((d) => d.rule === 'image-registry')
        .map((d) => d.message.split(':')[0]);
      expect(messages).toEqual(['containers[0] "a"', 'containers[1] "b"']);
    }
  });

  it('given the same namespace twice, reuses one image policy; a changed policy object gets a new one', () => {
    expect(policyOf('finance-prod')).toBe(policyOf('finance-prod'));
    const policy = snapshot.namespacePolicy('finance-prod');
    const changed = policy && {
      ...policy,
      spec: { ...policy.spec, images: { deniedRegistries: ['docker.io/'] } },
    };
    const narrowed = imagePolicyOf(undefined, changed);
    expect(narrowed).not.toBe(policyOf('finance-prod'));
    expect(narrowed.denied).toEqual(['docker.io/']);
  });

  it('given a container without an image, fails with how to fix it', () => {
    const decisions = checkImages({ containers: [{ name: 'app' }] }, policyOf('finance-dev'));
    expect(decisions).toEqual([
      {
        rule: 'image-reference',
        outcome: 'fail',
        message: 'containers[0] "app": no image given; set the container\'s image',
      },
    ]);
  });

  it.each([
    ['a number', 5, 'number'],
    ['an object', { name: 'x' }, 'object'],
    ['a list', ['harbor.example.com/finance/payments/api:1'], 'array'],
    ['a boolean', true, 'boolean'],
  ])(
    'given an image that is %s, fails saying it must be a string, not that none is given',
    (_what, image, type) => {
      const decisions = checkImages({ containers: [{ name: 'app', image }] }, policyOf('finance-dev'));
      expect(decisions).toEqual([
        {
          rule: 'image-reference',
          outcome: 'fail',
          message:
            `containers[0] "app": image must be a string (got ${type}); ` +
            "set the container's image to a reference such as registry.example.com/app:1.2.3",
        },
      ]);
    },
  );

  it('given a null image, fails as given none', () => {
    const [decision] = checkImages({ containers: [{ name: 'app', image: null }] }, policyOf('finance-dev'));
    expect(decision?.message).toBe('containers[0] "app": no image given; set the container\'s image');
  });

  it('given a denial, the message names the allowed prefixes', () => {
    const [decision] = checkImages(
      { containers: [{ name: 'a', image: 'quay.io/x:1' }] },
      policyOf('web-prod'),
    );
    expect(decision?.message).toContain('harbor.example.com/web/, harbor.example.com/library/');
  });
});

/** A Department and a NamespacePolicy with only image rules, for policies the examples lack. */
function imagesPolicy(
  department: readonly string[] | undefined,
  images: NonNullable<NamespacePolicy['spec']['images']>,
): ImagePolicy {
  const dept =
    department &&
    ({
      metadata: { name: 'finance' },
      spec: { images: { allowedRegistries: department } },
    } as unknown as Department);
  const policy = {
    metadata: { name: 'policy', namespace: 'ns' },
    spec: { images },
  } as unknown as NamespacePolicy;
  return imagePolicyOf(dept, policy);
}

const rulesFailing = (image: string, policy: ImagePolicy) =>
  failures(checkImages({ containers: [{ name: 'app', image }] }, policy));

describe('checkImages: every spelling of a registry meets its denied prefixes', () => {
  const denyPort = imagesPolicy(undefined, { deniedRegistries: ['harbor.example.com:5000/evil/'] });
  const denyHub = imagesPolicy(undefined, { deniedRegistries: ['docker.io/nginx'] });
  const cases: [image: string, policy: ImagePolicy, failing: string[]][] = [
    ['harbor.example.com:5000/evil/x:1', denyPort, ['image-denied-registry']],
    // Go dials `:05000` at port 5000: the same registry.
    ['harbor.example.com:05000/evil/x:1', denyPort, ['image-denied-registry']],
    ['HARBOR.example.com:005000/evil/x:1', denyPort, ['image-reference']],
    ['harbor.example.com:5001/evil/x:1', denyPort, []],
    // `docker.io/nginx` names Docker Hub's library/nginx, whichever way the image is written.
    ['nginx:1', denyHub, ['image-denied-registry']],
    ['docker.io/nginx:1', denyHub, ['image-denied-registry']],
    ['index.docker.io/library/nginx:1', denyHub, ['image-denied-registry']],
    ['nginx/nginx-ingress:3', denyHub, ['image-denied-registry']],
    ['nginxinc/nginx-unprivileged:1', denyHub, []],
  ];

  it.each(cases)('given %s, fails %j', (image, policy, failing) => {
    expect(rulesFailing(image, policy)).toEqual(failing);
  });

  it('given an allowed `docker.io/nginx`, allows the image `nginx` it names', () => {
    const allowHub = imagesPolicy(undefined, { allowedRegistries: ['docker.io/nginx'] });
    expect(rulesFailing('nginx:1.27', allowHub)).toEqual([]);
    expect(rulesFailing('docker.io/library/redis:7', allowHub)).toEqual(['image-registry']);
  });
});

describe('checkImages: a refusal names only prefixes that would admit the image', () => {
  const messageOf = (image: string, policy: ImagePolicy) =>
    checkImages({ containers: [{ name: 'app', image }] }, policy)[0]?.message ?? '';
  const cases: [department: string[], namespace: string[], listed: string][] = [
    // A namespace list that outgrew its department (the department changed since): what both allow.
    [
      ['harbor.example.com/finance/'],
      ['harbor.example.com/finance/payments/', 'harbor.example.com/other/'],
      'push it under one of: harbor.example.com/finance/payments/',
    ],
    [
      ['harbor.example.com/finance/'],
      ['harbor.example.com/'],
      'push it under one of: harbor.example.com/finance/',
    ],
    // `.../web` also names the repository `.../web`; `.../web/` does not: both lists must allow it.
    [
      ['harbor.example.com/web/'],
      ['harbor.example.com/web'],
      'push it under one of: harbor.example.com/web/',
    ],
    [
      ['harbor.example.com/finance/', 'harbor.example.com/library/'],
      ['harbor.example.com/finance/payments/'],
      'push it under one of: harbor.example.com/finance/payments/',
    ],
    [
      ['harbor.example.com/finance/'],
      ['quay.io/other/'],
      "no registry is allowed in this namespace (its NamespacePolicy's allowedRegistries and " +
        "Department finance's share none); ask your platform admins",
    ],
  ];

  it.each(cases)('given department %j and namespace %j, says %s', (department, namespace, listed) => {
    const policy = imagesPolicy(department, { allowedRegistries: namespace });
    const message = messageOf('harbor.example.com/other/x:1', policy);
    expect(message.split('; ').slice(1).join('; ')).toBe(listed);
  });
});

describe('imagesOf: the UPDATE comparison', () => {
  it('given images with a newline, never lists two different specs alike', () => {
    const one = { containers: [{ name: 'a', image: 'x\ncontainers/b=docker.io/evil:1' }] };
    const two = {
      containers: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'docker.io/evil:1' },
      ],
    };
    expect(imagesOf(one).join('\n')).not.toBe(imagesOf(two).join('\n'));
  });

  it('given a template UPDATE that splits an unrunnable image into two, checks the new images', async () => {
    const { validate } = await examplesValidator();
    const template = (spec: Record<string, unknown>) => ({ spec: { template: { spec } } });
    const request: AdmissionRequest = {
      uid: 'u',
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      namespace: 'web-prod',
      name: 'd',
      operation: 'UPDATE',
      object: template({
        containers: [
          { name: 'a', image: 'x' },
          { name: 'b', image: 'docker.io/evil:1' },
        ],
      }),
      oldObject: template({ containers: [{ name: 'a', image: 'x\ncontainers/b=docker.io/evil:1' }] }),
    };
    expect(decisionSummary(validate(request).decisions)).toContain('image-registry:fail');
  });
});
