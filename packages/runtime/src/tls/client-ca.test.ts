import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUNTIME_ERR } from '../errors.js';
import { generateCa, type GeneratedCa } from './__fixtures__/openssl.js';
import { readClientCa, validateClientCa } from './client-ca.js';

let scratch: string;
let first: GeneratedCa;
let second: GeneratedCa;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'corral-client-ca-'));
  first = generateCa(scratch, 'first');
  second = generateCa(scratch, 'second');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('validateClientCa', () => {
  it('given one PEM certificate, returns it with its subject', () => {
    const ca = validateClientCa(first.cert);
    expect(ca.pem).toBe(first.cert);
    expect(ca.certificates).toEqual([{ subject: 'CN=first', validTo: expect.any(String) }]);
    expect(ca.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('given a bundle of two with comments around them (a rotation), returns both', () => {
    const bundle = Buffer.concat([Buffer.from('# old\n'), first.cert, Buffer.from('# new\n'), second.cert]);
    expect(validateClientCa(bundle).certificates.map((c) => c.subject)).toEqual(['CN=first', 'CN=second']);
  });

  it.each([
    [
      'an empty file',
      Buffer.alloc(0),
      'client CA /ca.crt holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
    ],
    ['text', Buffer.from('not a certificate'), 'client CA /ca.crt holds no PEM certificate'],
    [
      'a private key',
      Buffer.from('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'),
      'holds no PEM',
    ],
  ])('given %s, throws RUNTIME_ERR_TLS_CLIENT_CA naming the file', (_name, bytes, message) => {
    expect(() => validateClientCa(bytes, '/ca.crt')).toThrow(message);
    expect(() => validateClientCa(bytes, '/ca.crt')).toThrow(
      expect.objectContaining({ code: RUNTIME_ERR.TLS_CLIENT_CA }),
    );
  });

  it('given a bundle whose second certificate is corrupt, says which one', () => {
    const pem = second.cert.toString().replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!!!!!!!!!!!!!!!!!');
    expect(() => validateClientCa(Buffer.concat([first.cert, Buffer.from(pem)]))).toThrow(
      'client CA: certificate 2 of 2 does not parse',
    );
  });
});

describe('readClientCa', () => {
  it('given a missing file, throws naming it', () => {
    const missing = join(scratch, 'nope.crt');
    expect(() => readClientCa(missing)).toThrow(`cannot read client CA ${missing}`);
  });

  it('given a CA file, reads it', () => {
    expect(readClientCa(first.certFile).certificates).toHaveLength(1);
  });
});
