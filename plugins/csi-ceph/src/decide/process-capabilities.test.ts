import { CAP_SYS_RESOURCE, hasEffectiveCapability } from './process-capabilities.js';

const status = (capEff: string) =>
  `Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t${capEff}\nCapBnd:\t000001ffffffffff\n`;

describe('hasEffectiveCapability', () => {
  it.each([
    ['a privileged container (every capability)', '000001ffffffffff', true],
    ['a set without CAP_SYS_RESOURCE (bit 24), as on these test machines', '000001fffeffffff', false],
    ['only CAP_SYS_RESOURCE', '0000000001000000', true],
    ['no capability', '0000000000000000', false],
  ])('given %s, answers %s for CAP_SYS_RESOURCE', (_label, capEff, expected) => {
    expect(hasEffectiveCapability(status(capEff), CAP_SYS_RESOURCE)).toBe(expected);
  });

  it('given no CapEff line, answers false', () => {
    expect(hasEffectiveCapability('Name:\tnode\n', CAP_SYS_RESOURCE)).toBe(false);
  });
});
