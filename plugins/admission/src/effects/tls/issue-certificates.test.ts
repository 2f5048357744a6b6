import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueServingCertificate } from './issue-certificates.js';

describe('issuing the webhook certificates', () => {
  it('creates a CA and a serving certificate it signed, valid for the given names and days', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const ca = await createCertificateAuthority({
      commonName: 'corral-admission-ca',
      validityDays: 3650,
      now,
    });
    const serving = await issueServingCertificate({
      ca,
      dnsNames: ['corral-admission.corral-system.svc'],
      ipAddresses: ['127.0.0.1'],
      validityDays: 365,
      now,
    });
    const caCert = new X509Certificate(ca.certPem);
    const leaf = new X509Certificate(serving.certPem);
    expect(caCert.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.checkHost('corral-admission.corral-system.svc')).toBe('corral-admission.corral-system.svc');
    expect(leaf.checkHost('other.corral-system.svc')).toBeUndefined();
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkPrivateKey(createPrivateKey(serving.keyPem))).toBe(true);
    expect(new Date(leaf.validTo).getTime()).toBe(now.getTime() + 365 * 86400_000);
    expect(serving.notAfter.getTime()).toBe(now.getTime() + 365 * 86400_000);
    expect(leaf.serialNumber).not.toBe(caCert.serialNumber);
  });

  it('refuses a serving certificate with no names', async () => {
    const ca = await createCertificateAuthority({ commonName: 'ca', validityDays: 1 });
    await expect(issueServingCertificate({ ca, dnsNames: [], validityDays: 1 })).rejects.toThrow(
      /at least one/,
    );
  });

  it('is trusted by a TLS client that trusts only the CA', async () => {
    const ca = await createCertificateAuthority({ commonName: 'ca', validityDays: 10 });
    const serving = await issueServingCertificate({ ca, dnsNames: ['localhost'], validityDays: 1 });
    const server = createServer({ cert: serving.certPem, key: serving.keyPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, servername: 'localhost', ca: ca.certPem }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    server.close();
    expect(body).toBe('ok');
  });
});
