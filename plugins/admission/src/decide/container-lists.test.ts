import { podRequest } from '../testing/example-snapshot.js';
import { decisionSummary, examplesValidator } from '../testing/validate-examples.js';
import { containerListDecisions } from './container-lists.js';
import type { AdmissionRequest } from './request.js';

const { validate } = await examplesValidator();
const OK = { name: 'app', image: 'harbor.example.com/web/storefront:1.2.3' };

describe('containerListDecisions', () => {
  it.each([
    ['a string', { containers: 'x' }, 'containers must be a list of containers (got string)'],
    ['a number', { containers: 5 }, 'containers must be a list of containers (got number)'],
    ['an object', { containers: { name: 'app' } }, 'containers must be a list of containers (got object)'],
    [
      'initContainers a string',
      { containers: [OK], initContainers: 'x' },
      'initContainers must be a list of containers (got string)',
    ],
    [
      'ephemeralContainers an object',
      { containers: [OK], ephemeralContainers: {} },
      'ephemeralContainers must be a list of containers (got object)',
    ],
    [
      'an item that is not an object',
      { containers: [OK, 'x', null, [OK]] },
      'containers[1] must be an object (got string); containers[2] must be an object (got null); ' +
        'containers[3] must be an object (got array)',
    ],
  ])('given %s, fails (422) naming the list and what it holds', (_what, spec, problems) => {
    expect(containerListDecisions(spec)).toEqual([
      {
        rule: 'pod-spec',
        outcome: 'fail',
        code: 422,
        message: `malformed pod spec: ${problems}; fix the pod spec`,
      },
    ]);
  });

  it.each([
    ['lists of objects', { containers: [OK], initContainers: [OK], ephemeralContainers: [] }],
    ['absent lists', {}],
    ['null lists (read as empty by kube-apiserver)', { containers: [OK], initContainers: null }],
    ['no spec', undefined],
  ])('given %s, returns no decision', (_what, spec) => {
    expect(containerListDecisions(spec)).toEqual([]);
  });
});

describe('validateRequest with malformed container lists', () => {
  const deployment = (spec: unknown): AdmissionRequest => ({
    uid: 'u',
    kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
    namespace: 'web-prod',
    name: 'd',
    operation: 'CREATE',
    object: { spec: { template: { spec } } },
  });

  it.each([
    ['spec.containers "x"', podRequest('web-prod', { containers: 'x' })],
    ['spec.containers 5', podRequest('web-prod', { containers: 5 })],
    ['spec.containers {}', podRequest('web-prod', { containers: {} })],
    ['initContainers "x"', podRequest('web-prod', { containers: [OK], initContainers: 'x' })],
    ['ephemeralContainers 1', podRequest('web-prod', { containers: [OK], ephemeralContainers: 1 })],
    ["a Deployment's template containers 'x'", deployment({ containers: 'x' })],
  ])('given %s in an enforce namespace, refuses it', (_what, request) => {
    const { decisions } = validate(request);
    expect(decisionSummary(decisions)).toContain('pod-spec:fail');
    expect(decisions.find((d) => d.rule === 'pod-spec')?.message).toMatch(/must be a list of containers/);
  });

  it('given a well-formed pod in an enforce namespace, reports no pod-spec decision', () => {
    const { decisions } = validate(podRequest('web-prod', { containers: [OK] }));
    expect(decisions.filter((d) => d.rule === 'pod-spec')).toEqual([]);
  });
});
