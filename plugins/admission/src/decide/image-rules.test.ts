import { snapshotFromFiles } from '../testing/example-snapshot.js';
import type { Decision } from './decision.js';
import { checkImages, imagePolicyOf, type ImagePolicy } from './image-rules.js';

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

  it('given a denial, the message names the allowed prefixes', () => {
    const [decision] = checkImages(
      { containers: [{ name: 'a', image: 'quay.io/x:1' }] },
      policyOf('web-prod'),
    );
    expect(decision?.message).toContain('harbor.example.com/web/, harbor.example.com/library/');
  });
});
