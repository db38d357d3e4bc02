import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PEERS } from './peers.js';

/** A fresh PostgreSQL database on the local server for one test run; `drop()` removes it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const { host, port } = PEERS.postgres;
  const admin = `postgres://postgres@${host}:${port}/test`;
  const name = `fabrik_hub_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return {
    url: `postgres://postgres@${host}:${port}/${name}`,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
