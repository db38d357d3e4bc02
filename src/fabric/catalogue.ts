import type { Catalogue } from './peer-client.js';
import type { LocalSql } from './local-sql.js';

/**
 * This node's catalogue: every tag it holds with the time range and count
 * of its data (from the 1-minute rollups), its events and its virtual
 * sources. Rebuilt at most every `maxAgeMs`.
 */
export class LocalCatalogue {
  readonly #local: LocalSql;
  readonly #identity: CatalogueIdentity;
  readonly #maxAgeMs: number;
  #cached: { at: number; value: Promise<Catalogue> } | undefined;

  constructor(local: LocalSql, identity: CatalogueIdentity, maxAgeMs = 10_000) {
    this.#local = local;
    this.#identity = identity;
    this.#maxAgeMs = maxAgeMs;
  }

  get identity(): CatalogueIdentity {
    return this.#identity;
  }

  get(): Promise<Catalogue> {
    if (this.#cached && Date.now() - this.#cached.at < this.#maxAgeMs) return this.#cached.value;
    const value = this.#build();
    this.#cached = { at: Date.now(), value };
    value.catch(() => (this.#cached = undefined));
    return value;
  }

  async #build(): Promise<Catalogue> {
    const opts = { maxRows: 1_000_000, timeoutMs: 30_000 };
    const tags = await this.#local.query(
      `SELECT t.id, min(r.bucket), max(r.bucket) + INTERVAL 1 MINUTE, coalesce(sum(r.count), 0)
       FROM tags t LEFT JOIN rollups_1m r ON r.tag = t.id GROUP BY t.id ORDER BY t.id`, opts);
    const events = await this.#local.query('SELECT count(*), min(ts), max(ts) FROM events', opts);
    const [count, from, to] = events.rows[0] ?? [0, null, null];
    const { node, instance, siteId, version } = this.#identity;
    return {
      node, instance, siteId, version, builtAt: new Date().toISOString(),
      tags: tags.rows.map(([tag, f, t, n]) => ({ tag: String(tag), from: (f as string | null) ?? null, to: (t as string | null) ?? null, samples: Number(n) })),
      events: { count: Number(count), from: (from as string | null) ?? null, to: (to as string | null) ?? null },
      sources: [...this.#local.sources.values()].map((s) => ({ name: s.name, kind: s.kind })),
      pgPort: this.#identity.pgPort(),
    };
  }
}

/** Who this node is, as its catalogue says. */
export interface CatalogueIdentity {
  node: string;
  instance: string;
  siteId: string;
  version: string;
  pgPort: () => number | null;
}
