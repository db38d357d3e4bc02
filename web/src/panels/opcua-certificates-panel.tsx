import { useState } from 'preact/hooks';
import { postJson } from '../api/http.js';
import type { OpcuaCertificateList, OpcuaServerCertificate, SystemAnswer } from '../api/types.js';
import { useResource } from '../api/use-resource.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { formatDateTime } from '../components/format.js';
import { hasData, ResourceState } from '../components/not-enabled.js';
import { useObservable } from '../live/observable.js';
import { can, session } from '../session/session.js';
import { opcuaDeviceCount } from './opcua-devices.js';
import type { PanelDef } from './panel-def.js';

const CERTIFICATES = '/api/v1/opcua/certificates';

/**
 * Server certificates of the node's OPC UA devices: the refused ones wait for
 * an engineer to trust them, the trusted ones are listed for review. Hidden
 * on a node without OPC UA devices and without certificates.
 */
function OpcuaCertificatesPanel() {
  useObservable(session);
  const list = useResource<OpcuaCertificateList>(CERTIFICATES, { refreshMs: 10_000, absentCodes: ['NOT_FOUND', 'OPCUA_NOT_RUNNING'] });
  const sys = useResource<SystemAnswer>('/api/v1/system', { refreshMs: 30_000 });
  const [asking, setAsking] = useState<OpcuaServerCertificate | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const mayTrust = can('trustCertificate');
  const devices = opcuaDeviceCount(sys.data);
  const data = hasData(list) ? list.data : null;
  if (data && hasData(sys) && devices === 0 && data.rejected.length === 0 && data.trusted.length === 0) return null;
  const trust = async (c: OpcuaServerCertificate): Promise<void> => {
    await postJson(`${CERTIFICATES}/${c.thumbprint}/trust`, {});
    setDone(`Trusted ${c.commonName}; the device connects at its next attempt.`);
    list.reload();
  };
  return (
    <section class="panel" aria-labelledby="opcua-certs-title" data-panel-body="opcua-certificates">
      <header class="panel-head">
        <h2 id="opcua-certs-title">OPC UA server certificates</h2>
        {data && (
          <span class="count" data-count={data.rejected.length} title="waiting for approval">
            {data.rejected.length}
          </span>
        )}
      </header>
      <ResourceState resource={list} capability="The OPC UA client" />
      {done && (
        <p class="notice" role="status">
          {done}
        </p>
      )}
      {data && (
        <>
          <h3 class="small sub-head">Rejected, waiting for approval</h3>
          {data.rejected.length === 0 ? (
            <p class="muted">No refused certificates{devices > 0 ? `: every OPC UA device (${devices}) connects with a trusted or unchecked server certificate.` : '.'}</p>
          ) : (
            <CertificateTable rows={data.rejected} state="rejected" onTrust={mayTrust ? setAsking : undefined} />
          )}
          {!mayTrust && data.rejected.length > 0 && <p class="muted small">An engineer reviews and trusts server certificates.</p>}
          <h3 class="small sub-head">Trusted</h3>
          {data.trusted.length === 0 ? <p class="muted">None yet.</p> : <CertificateTable rows={data.trusted} state="trusted" />}
        </>
      )}
      {asking && (
        <ConfirmDialog title="Trust this server certificate?" action="Trust" onConfirm={() => trust(asking)} onClose={() => setAsking(null)}>
          <p>
            Fabrik will accept <strong>{asking.commonName}</strong>
            {asking.applicationUri ? ` (${asking.applicationUri})` : ''} from now on. Compare the thumbprint with the one the machine's panel or its
            supplier shows:
          </p>
          <p class="cert-id">{asking.thumbprint}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function CertificateTable({ rows, state, onTrust }: { rows: readonly OpcuaServerCertificate[]; state: 'rejected' | 'trusted'; onTrust?: ((c: OpcuaServerCertificate) => void) | undefined }) {
  const now = Date.now();
  return (
    <div class="table-scroll">
      <table class="table" data-certificates={state}>
        <thead>
          <tr>
            <th scope="col">Subject</th>
            <th scope="col">Valid</th>
            <th scope="col">{state === 'rejected' ? 'First seen' : 'Trusted'}</th>
            {onTrust && <th scope="col"><span class="sr-only">Action</span></th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => {
            const expired = Date.parse(c.validTo) < now || Date.parse(c.validFrom) > now;
            return (
              <tr key={c.thumbprint} data-thumbprint={c.thumbprint}>
                <th scope="row">
                  <div>{c.commonName}</div>
                  {c.applicationUri && <div class="muted small">{c.applicationUri}</div>}
                  <div class="cert-id" title="SHA-1 thumbprint">{c.thumbprint}</div>
                </th>
                <td class="small">
                  {formatDateTime(Date.parse(c.validFrom))} – {formatDateTime(Date.parse(c.validTo))}
                  {expired && <span class="badge bad"> not valid now</span>}
                </td>
                <td class="small">{formatDateTime(Date.parse(c.since))}</td>
                {onTrust && (
                  <td>
                    <button type="button" onClick={() => onTrust(c)} aria-label={`Trust ${c.commonName} (${c.thumbprint.slice(0, 8)}…)`}>
                      Trust
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export const opcuaCertificatesPanel: PanelDef = { id: 'opcua-certificates', slot: 'system', title: 'OPC UA server certificates', order: 55, wide: true, component: OpcuaCertificatesPanel };
