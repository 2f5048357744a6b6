import { describe, expect, it } from 'vitest';
import { parseCheckArgs } from './check-args.js';

const BASE = ['-f', 'a.yaml', '--policies', 'examples'];

describe('parseCheckArgs', () => {
  it.each([['--help'], ['-h'], ['-f', 'a.yaml', '--help']])('given %s, asks for the help', (...args) => {
    expect(parseCheckArgs(args)).toEqual({ kind: 'help' });
  });

  it('given only files and policies, uses the defaults of the admission service', () => {
    const parsed = parseCheckArgs(BASE);
    expect(parsed).toEqual({
      kind: 'ok',
      args: {
        files: ['a.yaml'],
        policies: 'examples',
        namespace: 'default',
        settings: {
          systemNamespaces: ['kube-system', 'corral-system'],
          gpuResources: ['nvidia.com/gpu'],
          schedulerName: 'default-scheduler',
          departmentEditors: [],
        },
      },
    });
  });

  it('given -n, --system-namespaces, --gpu-resources and --scheduler-name, uses them', () => {
    const parsed = parseCheckArgs([
      ...BASE,
      '-n',
      'web-prod',
      '--system-namespaces',
      'kube-system, ops',
      '--gpu-resources',
      'nvidia.com/gpu',
      '--gpu-resources',
      'amd.com/gpu',
      '--scheduler-name',
      'corral-scheduler',
    ]);
    expect(parsed.kind === 'ok' && parsed.args).toMatchObject({
      namespace: 'web-prod',
      settings: {
        systemNamespaces: ['kube-system', 'ops'],
        gpuResources: ['nvidia.com/gpu', 'amd.com/gpu'],
        schedulerName: 'corral-scheduler',
      },
    });
  });

  it.each([
    [
      ['--policies', 'a', '--policies', 'b', '-f', 'x'],
      /--policies was given 2 times \(a, b\); give it once/,
    ],
    [[...BASE, '-n', 'a', '--namespace', 'b'], /--namespace was given 2 times/],
    [[...BASE, '--scheduler-name', 'a', '--scheduler-name', 'b'], /--scheduler-name was given 2 times/],
    [['--policies', 'examples'], /-f MANIFESTS is required/],
    [['-f', 'a.yaml'], /--policies PATH is required/],
    [[...BASE, '-n', 'Web_Prod'], /--namespace "Web_Prod" is not a valid name/],
    [[...BASE, '--scheduler-name', 'Bad'], /--scheduler-name "Bad" is not a valid name/],
    [[...BASE, '--gpu-resources', ','], /--gpu-resources needs at least one name/],
    [[...BASE, '--frobnicate'], /--frobnicate/],
  ])('given %j, refuses with a clear reason', (args, message) => {
    const parsed = parseCheckArgs(args);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' && parsed.message).toMatch(message);
  });

  it('given -f=FILE and -n=NS as kubectl takes them, reads the values without the =', () => {
    const parsed = parseCheckArgs(['-f=a.yaml', '-f', 'b.yaml', '-n=web-prod', '--policies=examples']);
    expect(parsed.kind === 'ok' && parsed.args).toMatchObject({
      files: ['a.yaml', 'b.yaml'],
      policies: 'examples',
      namespace: 'web-prod',
    });
  });

  it('given -f - (standard input), takes it as a manifest, once', () => {
    const parsed = parseCheckArgs(['-f', '-', ...BASE]);
    expect(parsed.kind === 'ok' && parsed.args.files).toEqual(['-', 'a.yaml']);
    const twice = parseCheckArgs(['-f', '-', '-f', '-', '--policies', 'examples']);
    expect(twice).toEqual({
      kind: 'error',
      message: '-f - (standard input) was given more than once; give it once',
    });
  });

  it('given two files after one -f (what -f *.yaml becomes), says to give each its own -f', () => {
    const parsed = parseCheckArgs(['-f', 'a.yaml', 'b.yaml', '--policies', 'examples']);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' && parsed.message).toMatch(
      /^unexpected argument "b\.yaml": give each manifest its own -f .*-f \*\.yaml gives -f only the first file/,
    );
  });

  it.each([
    [['-f=', '--policies', 'examples'], '-f needs a file, a folder or - (standard input), not ""'],
    [['--file', '', '--policies', 'examples'], '-f needs a file, a folder or - (standard input), not ""'],
    [['-f', 'a.yaml', '--policies='], '--policies needs a file or folder, not ""'],
  ])('given %j (an empty path: the working directory), refuses', (args, message) => {
    expect(parseCheckArgs(args)).toEqual({ kind: 'error', message });
  });
});
