import { clientCertificateFlagProblems } from './client-certificate-flags.js';

describe('clientCertificateFlagProblems', () => {
  it.each([
    ['no client flags', { cert: 'c', key: 'k' }, []],
    ['a client CA with a serving pair', { cert: 'c', key: 'k', clientCa: 'ca' }, []],
    [
      'a client CA and name with a serving pair',
      { cert: 'c', key: 'k', clientCa: 'ca', clientName: 'n' },
      [],
    ],
    ['a client CA without a pair', { clientCa: 'ca' }, [/--tls-client-ca .* needs --tls-cert and --tls-key/]],
    ['a client CA with a cert only', { cert: 'c', clientCa: 'ca' }, [/needs --tls-cert and --tls-key/]],
    [
      'a client name without a CA',
      { cert: 'c', key: 'k', clientName: 'n' },
      [/--tls-client-name .* needs --tls-client-ca/],
    ],
  ])('given %s, answers its problems', (_what, tls, expected) => {
    const problems = clientCertificateFlagProblems(tls);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(problems[i]).toMatch(pattern));
  });
});
