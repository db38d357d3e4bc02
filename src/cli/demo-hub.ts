import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { writeSecretFile } from '../security/index.js';

/** A hub beside the demo site: embedded PGlite in `<dataDir>/hub`, the demo site enrolled with it. */
export async function startDemoHub(o: { dataDir: string; host: string; port: number; siteId: string; siteName: string; credentialsFiles: string[]; logger: Logger }): Promise<{ url: string; adminTokenFile: string; close(): Promise<void> }> {
  const { startHub } = await import('../hub/index.js');
  const { HubClient } = await import('../sync/index.js');
  const hubDir = join(o.dataDir, 'hub');
  const hub = await startHub({ dataDir: hubDir, host: o.host, port: o.port, logger: o.logger.child({ part: 'hub' }) });
  const adminTokenFile = join(hubDir, 'secrets', 'hub-admin.token');
  // A new hub database (first start, or one that was wiped) does not know the old credential: enrol again.
  // Every node of the site gets the site's one credential (a second enrolment would revoke the first).
  if (hub.adminTokenFile || o.credentialsFiles.some((f) => !existsSync(f))) {
    const admin = readFileSync(adminTokenFile, 'utf8').trim();
    const res = await fetch(`${hub.url}/api/v1/enrolments`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ siteId: o.siteId }) });
    if (!res.ok) throw new Error(`the demo hub refused an enrolment token: ${res.status}`);
    const { token } = (await res.json()) as { token: string };
    const enrolled = await new HubClient({ url: hub.url }).enrol(token, o.siteId, o.siteName);
    for (const file of o.credentialsFiles) await writeSecretFile(file, `${JSON.stringify({ hub: hub.url, siteId: enrolled.siteId, credential: enrolled.credential })}\n`);
  }
  return { url: hub.url, adminTokenFile, close: () => hub.close() };
}
