import { Hono } from 'hono';
import type { ApiEnv } from './api-env.js';
import type { ApiDeps, OpcuaCertificates } from './deps.js';
import { ApiError, badRequest, notFound } from './errors.js';
import { requireRole } from './route-policy.js';

const THUMBPRINT = /^[0-9a-f]{40}$/;

/**
 * `GET /opcua/certificates`: server certificates the OPC UA client refused
 * (waiting for approval) and the ones it trusts. `POST
 * /opcua/certificates/:thumbprint/trust`: an engineer approves one; the audit
 * trail records who trusted which certificate.
 */
export function opcuaRoute(deps: ApiDeps): Hono<ApiEnv> {
  const certificates = (): OpcuaCertificates => {
    if (!deps.opcua) throw notFound('OPCUA_NOT_RUNNING', 'this node has no OPC UA client trust list');
    return deps.opcua;
  };
  return new Hono<ApiEnv>()
    // Reading is open to every role (a certificate is what the server shows anyone who connects); trusting is the engineer's.
    .get('/opcua/certificates', requireRole('viewer'), async (c) => c.json(await certificates().list()))
    .post('/opcua/certificates/:thumbprint/trust', requireRole('engineer'), async (c) => {
      const thumbprint = c.req.param('thumbprint').toLowerCase().replace(/:/g, '');
      if (!THUMBPRINT.test(thumbprint)) throw badRequest('OPCUA_THUMBPRINT_INVALID', 'expected a SHA-1 thumbprint of 40 hex digits, as listed by GET /api/v1/opcua/certificates');
      c.set('auditDetails', { thumbprint });
      try {
        const trusted = await certificates().trust(thumbprint);
        c.set('auditDetails', { thumbprint, commonName: trusted.commonName, applicationUri: trusted.applicationUri });
        return c.json({ trusted });
      } catch (err) {
        if ((err as { code?: unknown }).code === 'OPCUA_CERTIFICATE_NOT_FOUND') throw new ApiError(404, 'OPCUA_CERTIFICATE_NOT_FOUND', `no rejected server certificate has thumbprint ${thumbprint}; list them with GET /api/v1/opcua/certificates`, { cause: err });
        throw err;
      }
    });
}
