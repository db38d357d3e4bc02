import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkCertificate, createSiteCa, describeCertificate, issueCertificate } from './site-pki.js';

describe('site PKI', () => {
  it('creates a CA and issues node certificates that chain to it', async () => {
    const ca = await createSiteCa({ commonName: 'plant1 site CA' });
    const caInfo = describeCertificate(ca.certPem);
    expect(caInfo).toMatchObject({ ca: true, subject: expect.stringContaining('plant1 site CA') });
    const leaf = await issueCertificate({ ca, commonName: 'edge-1', names: ['edge-1.plant1.local', '127.0.0.1'] });
    const info = describeCertificate(leaf.certPem);
    expect(info.ca).toBe(false);
    expect(info.names).toEqual(['edge-1', 'edge-1.plant1.local', '127.0.0.1']);
    expect(new X509Certificate(leaf.certPem).verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(() => checkCertificate(leaf, ca.certPem)).not.toThrow();
  });

  it('refuses a certificate from another CA and a key that does not fit', async () => {
    const ca = await createSiteCa({ commonName: 'A' });
    const other = await createSiteCa({ commonName: 'B' });
    const leaf = await issueCertificate({ ca, commonName: 'edge-1' });
    const stranger = await issueCertificate({ ca: other, commonName: 'edge-1' });
    expect(() => checkCertificate(leaf, other.certPem)).toThrow(/not issued by the given CA/);
    expect(() => checkCertificate({ certPem: leaf.certPem, keyPem: stranger.keyPem }, ca.certPem)).toThrow(/do not belong together/);
  });
});
