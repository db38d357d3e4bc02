import { Hono } from 'hono';
import { html } from 'hono/html';
import { serveStatic } from '@hono/node-server/serve-static';
import type { ApiDeps } from './deps.js';

const ENDPOINTS = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'POST /api/v1/query',
  'GET /api/v1/tags',
  'GET /api/v1/tags/:id/latest',
  'GET /api/v1/events',
  'GET|POST /api/v1/sim/faults',
  'GET|POST /api/v1/tokens',
  'WS /api/v1/stream',
  'GET /api/v1/auth/me',
  'GET /api/v1/site',
  'GET /api/v1/latest',
  'GET /api/v1/kpi/lines',
  'GET /api/v1/system',
];

/** `/`: the dashboard's static files from `webRoot`, or a small page naming the node and its endpoints. */
export function homePage(deps: ApiDeps, webRoot?: string): Hono {
  const app = new Hono();
  if (webRoot) {
    app.use(
      '/*',
      serveStatic({
        root: webRoot,
        // The build writes .br and .gz next to each file: a panel PC on a slow link gets the small one.
        precompressed: true,
        onFound: (path, c) => {
          // Vite names built assets by content hash, so they never change; index.html must always be asked again.
          c.header('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      }),
    );
    return app;
  }
  const { siteId, version, nodeName } = deps.config;
  return app.get('/', (c) =>
    c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fabrik ${nodeName ?? siteId}</title></head>
<body>
<h1>Fabrik node ${nodeName ?? ''}</h1>
<p>Site <b>${siteId}</b>, version ${version}. The dashboard is not installed on this node (build it with <code>npm run build</code>, or point <code>--web-root</code> at a built one).</p>
<p>API endpoints (send <code>Authorization: Bearer &lt;token&gt;</code> to /api):</p>
<ul>${ENDPOINTS.map((e) => html`<li><code>${e}</code></li>`)}</ul>
</body></html>`),
  );
}
