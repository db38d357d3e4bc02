import type { MiddlewareHandler } from 'hono';

/**
 * Restrictive by default: same-origin scripts, styles, images and sockets only,
 * no framing, no plugins. The dashboard is served from the same origin, so it
 * needs nothing more.
 */
const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * Adds the security headers to every response, and no-store to the API.
 * `hsts` (set when the node serves TLS) tells browsers to never fall back to plain HTTP.
 */
export function securityHeaders(opts: { hsts?: boolean; connectSrc?: readonly string[] } = {}): MiddlewareHandler {
  // The Hub page reads the site's hub directly: that one origin, and no other, may be fetched.
  const csp = opts.connectSrc?.length ? `${CSP}; connect-src 'self' ${opts.connectSrc.join(' ')}` : CSP;
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('Referrer-Policy', 'no-referrer');
    h.set('X-Frame-Options', 'DENY');
    if (!h.has('Content-Security-Policy')) h.set('Content-Security-Policy', csp);
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
    if (opts.hsts) h.set('Strict-Transport-Security', 'max-age=31536000');
    if (c.req.path.startsWith('/api/') || c.req.path === '/api') h.set('Cache-Control', 'no-store');
  };
}
