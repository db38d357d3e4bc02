export { TokenStore, type TokenInfo, type TokenIdentity } from './token-store.js';
export { ensureAdminToken, type AdminToken } from './admin-token.js';
export { roleAtLeast, isRole, ROLES, type Role } from './roles.js';
export { SecurityError, SecurityErrorCode } from './errors.js';
