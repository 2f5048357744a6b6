import { CSI_ERR } from '../../errors.js';
import { requirePath } from './node-deps.js';

describe('requirePath', () => {
  it.each([
    ['nothing', '', 'is required'],
    ['a relative path', 'rel/target', 'absolute'],
    ['a NUL byte', '/t/a\0b', 'NUL byte'],
    ['a name over 255 bytes', `/t/${'d'.repeat(256)}`, 'longer than the kernel takes'],
    ['4096 bytes', `/${'d/'.repeat(2048)}`, 'longer than the kernel takes'],
  ])('given %s, throws INVALID_ARGUMENT', (_what, value, message) => {
    expect(() => requirePath(value, 'target_path')).toThrow(
      expect.objectContaining({ code: CSI_ERR.INVALID_ARGUMENT, message: expect.stringContaining(message) }),
    );
  });

  it('given names of 255 bytes and `..`, returns the path as given', () => {
    const path = `/t/${'d'.repeat(255)}/../x`;
    expect(requirePath(path, 'target_path')).toBe(path);
  });
});
