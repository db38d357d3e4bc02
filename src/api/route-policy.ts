import type { Hono, MiddlewareHandler } from 'hono';
import { roleAtLeast, ROLES, scopeAllows, type Role } from '../security/index.js';
import type { ApiEnv } from './api-env.js';
import { ApiError } from './errors.js';

/** Who may call a route: a role (and everyone above it) or, for login and probes, anyone. */
export type RouteAccess = Role | 'public';

const ACCESS = Symbol.for('fabrik.routeAccess');
type Tagged = { [ACCESS]?: RouteAccess };

function tag<T extends object>(fn: T, access: RouteAccess): T {
  Object.defineProperty(fn, ACCESS, { value: access });
  return fn;
}

/** The API area of a path, `/api/v1/<area>/...`: what token scopes name. */
export function apiArea(path: string): string {
  return path.split('/')[3] ?? '';
}

/**
 * Lets the request through only when the caller's role is at least `need` and
 * the token's scopes (if it has any) include the route's area. Every /api route
 * must carry this (or `publicRoute()`): the app refuses to start otherwise.
 */
export function requireRole(need: Role): MiddlewareHandler<ApiEnv> {
  return tag<MiddlewareHandler<ApiEnv>>(async (c, next) => {
    const identity = c.get('identity');
    if (!identity) throw new ApiError(401, 'AUTH_REQUIRED', 'this route needs a token: send "Authorization: Bearer <token>"');
    const { role, name, scopes } = identity;
    if (!roleAtLeast(role, need)) {
      throw new ApiError(403, 'FORBIDDEN', `this route needs the ${need} role; token "${name}" has ${role}`);
    }
    const area = apiArea(c.req.path);
    if (!scopeAllows(scopes, area, c.req.method)) {
      throw new ApiError(403, 'SCOPE_FORBIDDEN', `token "${name}" is limited to ${scopes!.join(', ')}; ${c.req.method} ${c.req.path} is in area "${area}"`);
    }
    c.set('access', need);
    await next();
  }, need);
}

/** Marks a route that answers without a token (login, probes). */
export function publicRoute(): MiddlewareHandler {
  return tag<MiddlewareHandler>(async (_c, next) => next(), 'public');
}

/** One endpoint of the app and who may call it (null: nobody declared it — a bug the startup check refuses). */
export interface RouteDescription {
  method: string;
  path: string;
  access: RouteAccess | null;
}

function patternMatches(pattern: string, path: string): boolean {
  if (pattern === '*' || pattern === '/*') return true;
  const concrete = path.replace(/:[^/]+/g, 'x');
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\/\*$/, '(/.*)?').replace(/\*/g, '.*').replace(/:[^/]+/g, '[^/]+')}$`);
  return re.test(concrete);
}

/**
 * Walks every route registered on the app and says who may call each
 * endpoint: the strictest role of the `requireRole` guards that run for it
 * (on the route itself or a matching `.use()`), `public`, or null when none does.
 */
export function describeRoutes(app: Hono<any, any, any>): RouteDescription[] {
  const routes = app.routes;
  const endpoints = new Map<string, { method: string; path: string; index: number }>();
  routes.forEach((r, index) => {
    if (r.method === 'ALL' && r.handler.length > 1) return; // a .use() middleware
    endpoints.set(`${r.method} ${r.path}`, { method: r.method, path: r.path, index });
  });
  const out: RouteDescription[] = [];
  for (const { method, path, index } of endpoints.values()) {
    let access: RouteAccess | null = null;
    routes.forEach((r, i) => {
      const a = (r.handler as Tagged)[ACCESS];
      if (a === undefined || i > index) return;
      const applies = (r.method === method && r.path === path) || (r.method === 'ALL' && patternMatches(r.path, path));
      if (!applies) return;
      if (a === 'public') access ??= 'public';
      else if (access === null || access === 'public' || ROLES.indexOf(a) > ROLES.indexOf(access)) access = a;
    });
    out.push({ method, path, access });
  }
  return out;
}

/** Throws naming every /api endpoint that declares no role: forgetting one cannot ship. */
export function assertRolesDeclared(app: Hono<any, any, any>): RouteDescription[] {
  const routes = describeRoutes(app);
  const missing = routes.filter((r) => r.access === null && (r.path === '/api' || r.path.startsWith('/api/')));
  if (missing.length > 0) {
    throw new Error(
      `API routes without a declared role: ${missing.map((r) => `${r.method} ${r.path}`).join(', ')}; add requireRole('<viewer|operator|engineer|admin>') (or publicRoute()) to each`,
    );
  }
  return routes;
}
