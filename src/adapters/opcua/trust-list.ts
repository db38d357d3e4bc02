import { listRejectedCertificates, listTrustedCertificates, trustCertificate, type ServerCertificate } from './pki.js';

/** A server certificate as the API shows it: no file paths. */
export interface TrustListEntry {
  thumbprint: string;
  commonName: string;
  applicationUri: string | null;
  validFrom: string;
  validTo: string;
  since: string;
}

/** The client trust list under `pkiDir`, for an engineer to review and approve through the API. */
export function clientTrustList(pkiDir: string): {
  list(): Promise<{ rejected: TrustListEntry[]; trusted: TrustListEntry[] }>;
  trust(thumbprint: string): Promise<TrustListEntry>;
} {
  return {
    list: async () => {
      const [rejected, trusted] = await Promise.all([listRejectedCertificates(pkiDir), listTrustedCertificates(pkiDir)]);
      return { rejected: rejected.map(entry), trusted: trusted.map(entry) };
    },
    trust: async (thumbprint) => entry(await trustCertificate(pkiDir, thumbprint)),
  };
}

function entry(c: ServerCertificate): TrustListEntry {
  return { thumbprint: c.thumbprint, commonName: c.commonName, applicationUri: c.applicationUri, validFrom: c.validFrom, validTo: c.validTo, since: new Date(c.since).toISOString() };
}
