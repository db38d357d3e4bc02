export { TokenStore, isScope, scopeAllows, type TokenInfo, type TokenIdentity } from './token-store.js';
export { ensureAdminToken, type AdminToken } from './admin-token.js';
export { roleAtLeast, isRole, ROLES, type Role } from './roles.js';
export { SecurityError, SecurityErrorCode } from './errors.js';
export { UserStore, type UserInfo } from './user-store.js';
export { generatePassword, passwordProblem } from './password.js';
export { AttemptLimiter, type AttemptLimits } from './attempt-limiter.js';
export { OidcVerifier, looksLikeJwt } from './oidc-verifier.js';
export { securitySchema, oidcSchema, type SecurityConfig, type OidcConfig } from './security-schema.js';
export { AuditLog, auditPaths, verifyAuditFiles, type AuditInput, type AuditFilter } from './audit-log.js';
export { verifyAuditChain, type AuditEntry, type AuditHead, type AuditVerification, type AuditProblem } from './audit-chain.js';
export { AUDITED_EVENT_KINDS, recordAuditedEvents } from './audit-recorder.js';
export { createSiteCa, issueCertificate, describeCertificate, checkCertificate, type CertKeyPair, type CertificateSummary } from './site-pki.js';
export {
  tlsPaths,
  loadTlsMaterial,
  serverTlsOptions,
  clientTlsOptions,
  listenerTls,
  isLoopback,
  type TlsMaterial,
  type TlsMode,
  type ClientAuth,
  type ListenerTls,
} from './tls-options.js';
export { tlsAgent, tlsFailureReason } from './tls-agent.js';
export {
  SIGNED_CONFIG_FORMAT,
  generateSigningKey,
  signConfig,
  parseSignedConfig,
  verifySignedConfig,
  isSignedConfigText,
  loadTrustedKeys,
  publicKeyFromPem,
  trustDir,
  keyIdOf,
  type SignedConfig,
  type TrustedKey,
} from './signed-config.js';
export { writeSecretFile, ensureSecretDir } from './secret-file.js';
export { initSite, starterConfig, type InitOptions, type InitResult } from './site-init.js';
