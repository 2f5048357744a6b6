import { splitPodFile } from './explain-args.js';

describe('splitPodFile', () => {
  it.each([
    ['the pod file first', ['pod.yaml', '--policies', 'p'], 'pod.yaml', ['--policies', 'p']],
    ['flags first', ['--policies', 'p', 'pod.yaml'], 'pod.yaml', ['--policies', 'p']],
    [
      'flags on both sides',
      ['--gpu-resources', 'nvidia.com/gpu', 'pod.yaml', '--policies=p'],
      'pod.yaml',
      ['--gpu-resources', 'nvidia.com/gpu', '--policies=p'],
    ],
    ['a flag written with =', ['--policies=p', 'pod.yaml'], 'pod.yaml', ['--policies=p']],
    ['--config and its file', ['--config', 'c.yaml', 'pod.yaml'], 'pod.yaml', ['--config', 'c.yaml']],
    ['no pod file', ['--policies', 'p'], undefined, ['--policies', 'p']],
    ['nothing', [], undefined, []],
  ])('given %s, returns the pod file and the flags', (_what, args, podFile, flags) => {
    expect(splitPodFile(args)).toEqual({ ...(podFile === undefined ? {} : { podFile }), flags });
  });
});
