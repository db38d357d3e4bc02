import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { assertRolesDeclared, describeRoutes, publicRoute, requireRole } from './route-policy.js';

describe('route policy', () => {
  it('finds the role each endpoint declares, on the route or through a matching use()', () => {
    const v1 = new Hono()
      .use('/admin/*', requireRole('admin'))
      .get('/things', requireRole('viewer'), (c) => c.text('ok'))
      .post('/things', requireRole('viewer'), requireRole('engineer'), (c) => c.text('ok'))
      .delete('/admin/things/:id', (c) => c.text('ok'))
      .post('/login', publicRoute(), (c) => c.text('ok'));
    const app = new Hono().route('/api/v1', v1);
    expect(describeRoutes(app).map((r) => `${r.method} ${r.path} ${r.access}`)).toEqual([
      'GET /api/v1/things viewer',
      'POST /api/v1/things engineer',
      'DELETE /api/v1/admin/things/:id admin',
      'POST /api/v1/login public',
    ]);
    expect(() => assertRolesDeclared(app)).not.toThrow();
  });

  it('refuses an app with an API route that declares no role', () => {
    const app = new Hono().route(
      '/api/v1',
      new Hono().get('/fine', requireRole('viewer'), (c) => c.text('ok')).post('/forgotten', (c) => c.text('oops')),
    );
    expect(() => assertRolesDeclared(app)).toThrow(/POST \/api\/v1\/forgotten/);
  });

  it('does not count a guard registered after the route (it never runs for it)', () => {
    const app = new Hono().get('/api/v1/late', (c) => c.text('ok')).use('/api/v1/*', requireRole('admin'));
    expect(describeRoutes(app)[0]?.access).toBeNull();
  });
});
