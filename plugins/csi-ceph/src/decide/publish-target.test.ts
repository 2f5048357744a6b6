import { CSI_ERR } from '../errors.js';
import { checkPublishTarget, type PublishTargetEntry } from './publish-target.js';

const entry = (type: PublishTargetEntry['type'], empty = true): PublishTargetEntry => ({ type, empty });

describe('checkPublishTarget', () => {
  it.each([
    ['mount', 'nothing', entry('none')],
    ['mount', 'an empty directory', entry('directory')],
    ['block', 'nothing', entry('none')],
    ['block', 'an empty file', entry('file')],
  ] as const)('given a %s publish and %s there, passes', (kind, _label, there) => {
    expect(checkPublishTarget(kind, '/t', there).status).toBe('pass');
  });

  it.each([
    [
      'mount',
      entry('directory', false),
      'is a directory with content: a mount publish needs an empty directory',
    ],
    ['mount', entry('file'), 'is a file: a mount publish needs an empty directory'],
    ['mount', entry('other'), 'is neither a directory nor a regular file'],
    ['block', entry('file', false), 'is a file with content: a block publish needs an empty file'],
    ['block', entry('directory'), 'is a directory: a block publish needs an empty file'],
    ['block', entry('other'), 'is neither a directory nor a regular file: a block publish'],
  ] as const)('given a %s publish and %j there, is FAILED_PRECONDITION', (kind, there, message) => {
    expect(checkPublishTarget(kind, '/t', there)).toMatchObject({
      status: 'fail',
      code: CSI_ERR.IN_USE,
      message: expect.stringContaining(`target_path /t ${message}`),
    });
  });
});
