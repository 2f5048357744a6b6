import { describeFailure } from './describe-failure.js';

describe('describeFailure', () => {
  it('given an error with causes, joins their messages', () => {
    const error = new Error('cannot load x', { cause: new Error("EACCES: permission denied, open 'x'") });
    expect(describeFailure(error)).toBe("cannot load x: EACCES: permission denied, open 'x'");
  });

  it('given a message on several lines and oneLine, writes one line', () => {
    expect(describeFailure(new Error('a\n  b'), { oneLine: true })).toBe('a b');
    expect(describeFailure(new Error('a\n  b'))).toBe('a\n  b');
  });

  it('given something thrown that is not an Error, writes it as text', () => {
    expect(describeFailure('boom')).toBe('boom');
  });
});
