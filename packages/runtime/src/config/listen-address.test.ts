import { formatListenAddress, parseListenAddress, type ListenAddress } from './listen-address.js';

describe('parseListenAddress', () => {
  const valid: [string, ListenAddress][] = [
    ['0.0.0.0:8443', { kind: 'tcp', host: '0.0.0.0', port: 8443 }],
    ['127.0.0.1:0', { kind: 'tcp', host: '127.0.0.1', port: 0 }],
    ['localhost:9090', { kind: 'tcp', host: 'localhost', port: 9090 }],
    ['corral.kube-system.svc:443', { kind: 'tcp', host: 'corral.kube-system.svc', port: 443 }],
    [':8080', { kind: 'tcp', host: '::', port: 8080 }],
    ['[::1]:8443', { kind: 'tcp', host: '::1', port: 8443 }],
    ['[::]:65535', { kind: 'tcp', host: '::', port: 65535 }],
    [
      'unix:///var/lib/kubelet/plugins/rbd.csi.corral.dev/csi.sock',
      {
        kind: 'unix',
        path: '/var/lib/kubelet/plugins/rbd.csi.corral.dev/csi.sock',
      },
    ],
  ];
  it.each(valid)('given %s, returns the parsed address', (text, expected) => {
    expect(parseListenAddress(text)).toEqual({ ok: true, value: expected });
  });

  const invalid: [string, string][] = [
    ['8443', 'expected HOST:PORT'],
    ['0.0.0.0:99999', 'port must be 0-65535'],
    ['0.0.0.0:http', 'port must be 0-65535'],
    ['0.0.0.0:', 'port must be 0-65535'],
    ['::1:8443', 'put IPv6 addresses in brackets'],
    ['[fe80::zz]:80', 'is not an IPv6 address'],
    ['300.1.1.1:80', 'not a valid host name'],
    ['bad_host:80', 'not a valid host name'],
    ['unix://relative.sock', 'expected unix:///absolute/path.sock'],
    ['unix://', 'expected unix:///absolute/path.sock'],
  ];
  it.each(invalid)('given %s, returns an error mentioning %s', (text, fragment) => {
    const parsed = parseListenAddress(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain(fragment);
  });

  it('given a unix endpoint where only TCP is allowed, returns an error', () => {
    expect(parseListenAddress('unix:///x.sock', { allow: ['tcp'] })).toMatchObject({ ok: false });
  });

  it('given HOST:PORT where only unix endpoints are allowed, returns an error', () => {
    expect(parseListenAddress('0.0.0.0:1', { allow: ['unix'] })).toMatchObject({ ok: false });
  });
});

describe('formatListenAddress', () => {
  it.each(['0.0.0.0:8443', '[::1]:8443', 'unix:///run/csi.sock'])(
    'given %s parsed, returns it unchanged',
    (text) => {
      const parsed = parseListenAddress(text);
      expect(parsed.ok && formatListenAddress(parsed.value)).toBe(text);
    },
  );
});
