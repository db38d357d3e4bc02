import { describe, expect, it } from 'vitest';
import { tlsFailureReason } from './tls-agent.js';

const failure = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('tlsFailureReason', () => {
  it('says which side to fix for the handshake failures a site meets', () => {
    expect(tlsFailureReason(failure('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'https://n2:8443')).toMatch(/certificate of https:\/\/n2:8443 does not verify against the site CA/);
    expect(tlsFailureReason(failure('SELF_SIGNED_CERT_IN_CHAIN'), 'x')).toMatch(/site CA/);
    expect(tlsFailureReason(failure('CERT_HAS_EXPIRED'), 'x')).toMatch(/expired/);
    expect(tlsFailureReason(failure('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), 'x')).toMatch(/does not name that host/);
    expect(tlsFailureReason(failure('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required'), 'x')).toMatch(/requires a client certificate/);
    expect(tlsFailureReason(failure('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tlsv1 alert unknown ca'), 'x')).toMatch(/refused this node's client certificate/);
    expect(tlsFailureReason(failure('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'), 'x')).toMatch(/does not speak TLS/);
  });

  it('leaves other failures alone', () => {
    expect(tlsFailureReason(failure('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), 'x')).toBeUndefined();
    expect(tlsFailureReason('not an error', 'x')).toBeUndefined();
  });
});
