import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';
import type { ApiDeps, SimControl } from './deps.js';
import { ApiError, notFound } from './errors.js';
import { limitBody, readJson } from './json-body.js';

/** Loose on purpose: the simulator validates the spec precisely and says what is wrong. */
const faultBody = z.looseObject({
  signal: z.string().min(1),
  type: z.enum(['drift', 'step', 'spike', 'stuck', 'noise']),
  magnitude: z.number().finite().optional(),
  rate: z.number().finite().optional(),
  durationMs: z.number().finite().nonnegative().optional(),
});

/** `GET|POST /sim/faults`, `DELETE /sim/faults/:id`: fault injection into the built-in simulator. */
export function simRoute(deps: ApiDeps): Hono<ApiEnv> {
  const sim = (): SimControl => {
    if (!deps.sim) throw notFound('SIM_NOT_RUNNING', 'this node runs no simulator, so there are no faults to inject; start a node with the sim role (e.g. "fabrik demo")');
    return deps.sim;
  };
  const needsSim: MiddlewareHandler<ApiEnv> = async (_c, next) => {
    sim();
    await next();
  };
  return new Hono<ApiEnv>()
    .get('/sim/faults', requireRole('viewer'), needsSim, (c) => c.json({ faults: sim().faults() }))
    .post('/sim/faults', requireRole('engineer'), needsSim, limitBody(deps.config.api.maxBodyBytes), async (c) => {
      const spec = await readJson(c, faultBody);
      try {
        return c.json({ id: sim().injectFault(spec).id }, 201);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string') throw new ApiError(400, code, (err as Error).message, { cause: err });
        throw err;
      }
    })
    .delete('/sim/faults/:id', requireRole('engineer'), needsSim, (c) => {
      const id = c.req.param('id');
      if (!sim().clearFault(id)) throw notFound('FAULT_NOT_FOUND', `no active fault "${id}"; list them with GET /api/v1/sim/faults`);
      return c.json({ id, cleared: true });
    });
}
