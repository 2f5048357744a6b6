import { CSI_ERR } from '../errors.js';
import { unpublishStep, type UnpublishTarget } from './node-unpublish.js';

const at = (over: Partial<UnpublishTarget>): UnpublishTarget => ({
  stagingArea: false,
  entry: 'none',
  ...over,
});

describe('unpublishStep', () => {
  it.each([
    ['a bind of a staged loop filesystem', at({ mount: { kind: 'mount', source: '/dev/loop3' } }), 'unmount'],
    ['a bind of a krbd filesystem', at({ mount: { kind: 'mount', source: '/dev/rbd0' } }), 'unmount'],
    ['a device node bound on a file', at({ mount: { kind: 'block', source: 'udev' } }), 'unmount'],
    ['an empty directory or file', at({ entry: 'empty' }), 'remove'],
    ['nothing', at({}), 'done'],
  ])('given %s, returns %s', (_what, target, step) => {
    expect(unpublishStep(target, '/t')).toMatchObject({ status: 'pass', value: step });
  });

  it.each([
    ['a tmpfs', at({ mount: { kind: 'mount', source: 'tmpfs' } }), 'holds a mount of tmpfs'],
    ['proc', at({ mount: { kind: 'mount', source: 'proc' } }), 'holds a mount of proc'],
    ['a bind of a file onto a file', at({ mount: { kind: 'other', source: '/dev/sda1' } }), 'holds a mount'],
    [
      'a stage of a volume',
      at({ stagingArea: true, mount: { kind: 'mount', source: '/dev/loop1' } }),
      'is a stage',
    ],
    ['a directory with content', at({ entry: 'content' }), 'with content'],
  ])('given %s, refuses with FAILED_PRECONDITION and touches nothing', (_what, target, message) => {
    const decision = unpublishStep(target, '/t');
    expect(decision).toMatchObject({ status: 'fail', code: CSI_ERR.IN_USE });
    expect(decision.status === 'fail' && decision.message).toContain(message);
  });
});
