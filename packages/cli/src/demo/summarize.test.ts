import { quotaRows } from './summarize.js';

const NANO = 1_000_000_000n;

describe('quotaRows', () => {
  it('given cpu used in millicores against a limit in cores, writes both in cores', () => {
    const usage = new Map([['requests.cpu', 27_500n * (NANO / 1000n)]]);
    expect(quotaRows('finance', usage, { 'requests.cpu': '48' })).toEqual([
      ['finance', 'requests.cpu', '27.5', '48', '57%'],
    ]);
  });

  it("given memory, writes the used amount in the limit's binary unit", () => {
    const usage = new Map([['requests.memory', 1536n * 2n ** 20n * NANO]]);
    expect(quotaRows('finance', usage, { 'requests.memory': '64Gi' })).toEqual([
      ['finance', 'requests.memory', '1.5Gi', '64Gi', '2%'],
    ]);
  });

  it('given a zero limit, writes no share', () => {
    expect(quotaRows('hr', new Map(), { pods: '0' })).toEqual([['hr', 'pods', '0', '0', '-']]);
  });
});
