export { startApiServer, type ApiServer, type ApiServerOptions } from './api-server.js';
export { createApiApp, type ApiAppOptions } from './create-app.js';
export type { ApiDeps, ConfigControl, SecurityDeps, ApiLogger, EventFilter, HealthReport, QueryColumn, QueryResult, SimControl, OpcuaCertificates, OpcuaServerCertificate, TagWriteControl } from './deps.js';
export { ApiError, ApiServerError, ApiServerErrorCode } from './errors.js';
export { apiMetrics, type ApiMetrics } from './http-metrics.js';
export type { StreamOptions } from './stream-socket.js';
export { findWebRoot } from './web-root.js';
export type { InferenceControl, ModelUploadRequest } from './inference-control.js';
export { describeRoutes, assertRolesDeclared, requireRole, publicRoute, type RouteDescription, type RouteAccess } from './route-policy.js';
