import { Agent } from 'node:https';
import { clientTlsOptions, type TlsMaterial } from './tls-options.js';

/**
 * An HTTPS agent for dialling other nodes of the site (and the hub): it trusts
 * the site CA and presents the node's certificate, so a peer that requires
 * mutual TLS lets it in. Global `fetch` cannot be given a CA, hence an agent
 * for `node:https`; connections are kept alive because a site query fans out
 * to the same peers again and again.
 */
export function tlsAgent(material: TlsMaterial | { ca: string }, opts: { systemRoots?: boolean } = {}): Agent {
  return new Agent({ ...clientTlsOptions(material, opts), keepAlive: true, maxSockets: 16 });
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/**
 * A sentence naming what went wrong in a TLS handshake with `what` (a peer
 * URL), or undefined when the error is not about TLS. Dialling errors from
 * OpenSSL carry codes a person cannot act on; this says which side to fix.
 */
export function tlsFailureReason(err: unknown, what: string): string | undefined {
  const e = err as { code?: unknown; message?: unknown; reason?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (UNTRUSTED.has(code)) return `the certificate of ${what} does not verify against the site CA (${code}); give it a certificate from the site CA ("fabrik cert issue") or trust its CA with --tls-ca`;
  if (code === 'CERT_HAS_EXPIRED') return `the certificate of ${what} has expired; issue a new one ("fabrik cert issue")`;
  if (code === 'CERT_NOT_YET_VALID') return `the certificate of ${what} is not valid yet; check the clocks`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the certificate of ${what} does not name that host (${message}); issue it with the name or address peers dial (for peers found through DNS: that DNS name)`;
  if (/certificate required|alert number 116|ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED/i.test(`${code} ${message}`)) {
    return `${what} requires a client certificate from the site CA (mutual TLS) and this node presented none; put the node certificate in <data-dir>/pki (fabrik init / fabrik cert issue)`;
  }
  if (/bad certificate|unknown ca|alert number 4[28]|ALERT_(BAD_CERTIFICATE|UNKNOWN_CA)/i.test(`${code} ${message}`)) {
    return `${what} refused this node's client certificate (${code || message}); it must come from the site CA`;
  }
  if (/wrong version number|packet length too long|ERR_SSL_WRONG_VERSION_NUMBER/i.test(`${code} ${message}`)) {
    return `${what} does not speak TLS on that port (${code || message}); use http:// for a lab node with security.tls: off, or turn TLS on there`;
  }
  return undefined;
}
