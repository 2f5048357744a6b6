import type { NamespacePolicy } from '../schema/namespace-policy.js';
import { unusableDefaultProblems } from './default-resource-checks.js';

const policy = (defaults: NamespacePolicy['spec']['defaults']): NamespacePolicy => ({
  apiVersion: 'corral.dev/v1alpha1',
  kind: 'NamespacePolicy',
  metadata: { name: 'p', namespace: 'team' },
  spec: { defaults },
});

describe('unusableDefaultProblems', () => {
  it.each([
    [
      'a default GPU request without a limit (Kubernetes refuses such pods)',
      { requests: { 'nvidia.com/gpu': '1' } },
      '/spec/defaults/requests/nvidia.com~1gpu',
      /^nvidia\.com\/gpu cannot be overcommitted: Kubernetes requires a limit equal to the request/,
    ],
    [
      'a default GPU request below its limit',
      { requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '2' } },
      '/spec/defaults/requests/nvidia.com~1gpu',
      /requires its request to equal its limit$/,
    ],
    [
      'half a GPU by default',
      { limits: { 'nvidia.com/gpu': '500m' } },
      '/spec/defaults/limits/nvidia.com~1gpu',
      /^nvidia\.com\/gpu is an extended resource: Kubernetes accepts whole units only$/,
    ],
    [
      'default huge pages without a limit',
      { requests: { 'hugepages-2Mi': '2Mi' } },
      '/spec/defaults/requests/hugepages-2Mi',
      /^hugepages-2Mi cannot be overcommitted/,
    ],
  ])('given %s, names the field and the rule', (_what, defaults, field, message) => {
    const [problem, ...more] = unusableDefaultProblems(policy(defaults));
    expect(more).toEqual([]);
    expect(problem).toMatchObject({ kind: 'NamespacePolicy', name: 'p', namespace: 'team', field });
    expect(problem?.message).toMatch(message);
  });

  it('given default GPUs and huge pages as Kubernetes wants them (limit only, or request = limit), finds nothing', () => {
    const defaults = {
      requests: { cpu: '100m', 'hugepages-2Mi': '4Mi', 'nvidia.com/gpu': '1' },
      limits: { 'hugepages-2Mi': '4Mi', 'nvidia.com/gpu': '1', 'example.com/fpga': '2' },
    };
    expect(unusableDefaultProblems(policy(defaults))).toEqual([]);
  });
});
