import {
  clientCertificateProblem,
  clientPeerOf,
  dnsAndUriNames,
  type ClientPeer,
} from './client-certificate.js';

const trusted: ClientPeer = {
  tls: true,
  presented: true,
  authorized: true,
  commonNames: ['system:kube-scheduler'],
  subjectAltName: 'DNS:kube-scheduler.kube-system, URI:spiffe://cluster/kube-scheduler, IP Address:10.0.0.1',
};

describe('clientCertificateProblem', () => {
  it.each<[string, ClientPeer, string | undefined, string | undefined]>([
    ['a verified certificate, no name required', trusted, undefined, undefined],
    ['a verified certificate whose CN is the name', trusted, 'system:kube-scheduler', undefined],
    ['a verified certificate with the name as DNS SAN', trusted, 'kube-scheduler.kube-system', undefined],
    [
      'a verified certificate with the name as URI SAN',
      trusted,
      'spiffe://cluster/kube-scheduler',
      undefined,
    ],
    [
      'a plain HTTP connection',
      { tls: false, presented: false, authorized: false },
      undefined,
      'the connection is not TLS',
    ],
    [
      'no certificate',
      { tls: true, presented: false, authorized: false, authorizationError: 'UNABLE_TO_GET_ISSUER_CERT' },
      undefined,
      'no client certificate was presented',
    ],
    [
      'a certificate of another CA',
      { ...trusted, authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
      undefined,
      'the client certificate is not signed by the client CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    ],
    [
      'a certificate of another CA, even with the right name',
      { ...trusted, authorized: false },
      'system:kube-scheduler',
      'the client certificate is not signed by the client CA',
    ],
    [
      'a verified certificate naming someone else',
      trusted,
      'admin',
      'the client certificate does not name admin (CN or DNS/URI subjectAltName; it names ' +
        'system:kube-scheduler, kube-scheduler.kube-system, spiffe://cluster/kube-scheduler)',
    ],
    [
      'a verified certificate whose IP SAN is the name (IPs do not count)',
      trusted,
      '10.0.0.1',
      expect.stringContaining('does not name 10.0.0.1') as unknown as string,
    ],
    [
      'a verified certificate with no names',
      { tls: true, presented: true, authorized: true },
      'kube-scheduler',
      'the client certificate does not name kube-scheduler (CN or DNS/URI subjectAltName; it names none)',
    ],
  ])('given %s, returns %s', (_name, peer, requiredName, problem) => {
    expect(clientCertificateProblem(peer, requiredName)).toEqual(problem);
  });
});

describe('dnsAndUriNames', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['DNS:a.example', ['a.example']],
    ['DNS:a, IP Address:127.0.0.1, URI:spiffe://x/y, email:me@example.com', ['a', 'spiffe://x/y']],
    ['DNS:"a, DNS:b", DNS:c', ['a, DNS:b', 'c']],
    ['email:"x, DNS:evil", DNS:good', ['good']],
  ])('given %j, returns %j', (text, names) => {
    expect(dnsAndUriNames(text)).toEqual(names);
  });
});

describe('clientPeerOf', () => {
  it('given a plain socket, says it is not TLS', () => {
    expect(clientPeerOf({ remoteAddress: '10.0.0.1' })).toEqual({
      tls: false,
      presented: false,
      authorized: false,
    });
  });

  it('given a TLS socket without a peer certificate, says none was presented', () => {
    const socket = {
      encrypted: true,
      authorized: false,
      authorizationError: 'UNABLE_TO_GET_ISSUER_CERT',
      getPeerCertificate: () => ({}),
    };
    expect(clientPeerOf(socket)).toEqual({
      tls: true,
      presented: false,
      authorized: false,
      authorizationError: 'UNABLE_TO_GET_ISSUER_CERT',
    });
  });

  it('given a verified TLS socket, returns its CN(s) and subjectAltName', () => {
    const socket = {
      encrypted: true,
      authorized: true,
      authorizationError: null,
      getPeerCertificate: () => ({ subject: { CN: ['a', 'b'] }, subjectaltname: 'DNS:c' }),
    };
    expect(clientPeerOf(socket)).toEqual({
      tls: true,
      presented: true,
      authorized: true,
      commonNames: ['a', 'b'],
      subjectAltName: 'DNS:c',
    });
  });
});
