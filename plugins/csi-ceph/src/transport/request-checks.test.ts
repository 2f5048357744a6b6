import { CSI_ERR } from '../errors.js';
import { requireField } from './request-checks.js';

describe('requireField', () => {
  it.each([
    ['nothing', undefined, 'is required'],
    ['an empty string', '', 'is required'],
    ['a NUL byte (librados keys end there: "a\\0b" and "a\\0c" were one name)', 'pvc-a\0b', 'NUL byte'],
    ['129 bytes', 'n'.repeat(129), 'longer than 128 bytes'],
  ])('given %s, throws INVALID_ARGUMENT', (_what, value, message) => {
    expect(() => requireField(value, 'name')).toThrow(
      expect.objectContaining({ code: CSI_ERR.INVALID_ARGUMENT, message: expect.stringContaining(message) }),
    );
  });

  it('given 128 bytes of unicode, returns it', () => {
    expect(requireField('é'.repeat(64), 'name')).toBe('é'.repeat(64));
  });
});
