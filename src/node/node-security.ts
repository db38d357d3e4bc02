import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { SecurityDeps } from '../api/index.js';
import type { SiteConfig } from '../config/index.js';
import type { Bus } from '../core/index.js';
import {
  AttemptLimiter,
  AuditLog,
  listenerTls,
  loadTlsMaterial,
  OidcVerifier,
  recordAuditedEvents,
  UserStore,
  type ListenerTls,
  type TlsMaterial,
} from '../security/index.js';

/** TLS files given on the command line (`--tls-cert/--tls-key/--tls-ca`); the data dir's are used otherwise. */
export interface TlsFiles {
  certFile?: string;
  keyFile?: string;
  caFile?: string;
}

/** The security parts of a running node. */
export interface NodeSecurity {
  deps: SecurityDeps;
  audit: AuditLog;
  /** The node's certificate (null when it has none): what other listeners pass to `listenerTls`/`clientTlsOptions`. */
  tlsMaterial: TlsMaterial | null;
  /** The HTTP API's TLS decision. */
  apiTls: ListenerTls;
  close(): Promise<void>;
}

/**
 * Opens the audit log (and feeds it the audited bus events), the users, the
 * login throttle, OIDC when configured, and decides TLS for the HTTP API.
 * Throws TLS_REQUIRED / PKI_INVALID before anything listens.
 */
export async function openNodeSecurity(opts: { config: SiteConfig; dataDir: string; host: string; tls?: TlsFiles; bus: Bus; logger: Logger; bootstrapAdminPasswordFile?: string }): Promise<NodeSecurity> {
  const { config, dataDir, bus, logger } = opts;
  const sec = config.security;
  const tlsMaterial = sec.tls === 'off' ? null : await loadTlsMaterial({ dataDir, ...opts.tls });
  const apiTls = listenerTls({ listener: 'HTTP API', host: opts.host, mode: sec.tls, material: tlsMaterial, clientAuth: sec.clientAuth });
  const audit = await AuditLog.open(dataDir);
  const users = await UserStore.open(dataDir);
  if (opts.bootstrapAdminPasswordFile && users.size === 0) {
    // Kubernetes has no shell to run "fabrik user add" in: the first admin comes from a mounted Secret.
    const password = (await readFile(opts.bootstrapAdminPasswordFile, 'utf8').catch(() => '')).replace(/\r?\n$/, '');
    if (password) {
      await users.add({ name: 'admin', role: 'admin', password });
      logger.info({ user: 'admin', from: opts.bootstrapAdminPasswordFile }, 'bootstrap admin user created');
    }
  }
  const unsubscribe = recordAuditedEvents(bus, audit, (err, event) => logger.error({ err: (err as Error).message, kind: event.kind }, 'audit append failed'));
  logger.info({ tls: apiTls.reason, audit: audit.paths.log, users: users.size, oidc: sec.oidc?.issuer ?? null }, 'security');
  return {
    deps: {
      users,
      audit,
      loginLimiter: new AttemptLimiter({ maxFailures: sec.login.maxFailures, windowMs: sec.login.window, lockoutMs: sec.login.lockout }),
      sessionTtlMs: sec.sessionTtl,
      ...(sec.oidc ? { oidc: new OidcVerifier(sec.oidc) } : {}),
    },
    audit,
    tlsMaterial,
    apiTls,
    async close() {
      unsubscribe();
      await users.close();
      await audit.close();
    },
  };
}
