import { requestIdGenerator } from './request-id.js';

describe('requestIdGenerator', () => {
  it('given many calls, returns ids that never repeat', () => {
    const next = requestIdGenerator();
    const ids = Array.from({ length: 10_000 }, () => next());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('given two generators (two servers), gives them different prefixes', () => {
    const [a, b] = [requestIdGenerator()(), requestIdGenerator()()];
    expect(a).toMatch(/^[0-9a-f]{12}-1$/);
    expect(a.split('-')[0]).not.toBe(b.split('-')[0]);
  });
});
