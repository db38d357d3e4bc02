import type { HubDatabase } from './hub-database.js';
import { HUB_MIGRATIONS } from './hub-migrations.js';

/** An arbitrary constant: the advisory lock that keeps two hubs starting together from migrating twice. */
const MIGRATION_LOCK = 4_711_006;

/** Brings the schema up to date; safe when several hubs start at once against one PostgreSQL. Returns the ids applied. */
export async function migrateHub(db: HubDatabase, migrations = HUB_MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec('CREATE TABLE IF NOT EXISTS hub_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await tx.query<{ id: number }>('SELECT id FROM hub_migrations')).rows.map((r) => Number(r.id)));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO hub_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      applied.push(m.id);
    }
    return applied;
  });
}
