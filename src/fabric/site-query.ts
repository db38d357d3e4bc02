import type { QueryResult } from '../store/index.js';
import { FabricError, errorMessage } from './errors.js';
import type { LocalSql } from './local-sql.js';
import type { MergeEngine } from './merge-engine.js';
import type { PartialAnswer } from './peer-client.js';
import type { Peer, PeerDirectory } from './peer-directory.js';
import { planSiteQuery, type SitePlan } from './site-plan.js';
import type { SqlAst } from './sql-ast.js';
import { mayHold, tagScope } from './tag-pruning.js';

/** How each node took part in a site query. */
export interface NodeReport {
  node: string;
  url: string | null;
  state: 'answered' | 'missing' | 'skipped';
  rows?: number;
  elapsedMs?: number;
  reason?: string;
}

/** A site query's answer: the merged result plus who answered. */
export interface SiteQueryResult extends QueryResult {
  scope: 'site';
  /** True when some node did not answer: the numbers cover only the nodes that did. */
  partial: boolean;
  missing: { node: string; url: string; reason: string }[];
  nodes: NodeReport[];
  plan: 'aggregate' | 'rows';
}

export interface SiteQueryOptions {
  maxRows: number;
  timeoutMs: number;
  /** false: fail with FABRIC_PARTIAL instead of answering without a missing node. */
  allowPartial?: boolean;
}

/** Row cap of one node's partial aggregate (its groups); beyond it the query is refused. */
export const MAX_PARTIAL_GROUPS = 1_000_000;

/**
 * Runs one query on every node holding relevant data, in parallel, and
 * merges the answers exactly. A node that fails or does not answer within
 * the peer timeout is named in `missing` and the result is marked partial.
 */
export class SiteQuery {
  readonly #ast: SqlAst;
  readonly #local: LocalSql;
  readonly #merge: MergeEngine;
  readonly #peers: PeerDirectory;
  readonly #node: string;
  readonly #peerTimeout: number;

  constructor(opts: { ast: SqlAst; local: LocalSql; merge: MergeEngine; peers: PeerDirectory; node: string; peerTimeoutMs: number }) {
    this.#ast = opts.ast;
    this.#local = opts.local;
    this.#merge = opts.merge;
    this.#peers = opts.peers;
    this.#node = opts.node;
    this.#peerTimeout = opts.peerTimeoutMs;
  }

  async run(sql: string, opts: SiteQueryOptions): Promise<SiteQueryResult> {
    const started = performance.now();
    const plan = await planSiteQuery(this.#ast, sql);
    const partialCap = plan.kind === 'aggregate' ? MAX_PARTIAL_GROUPS : opts.maxRows;
    const budget = Math.max(1, Math.floor(Math.min(this.#peerTimeout, opts.timeoutMs)));
    const scope = plan.table === 'samples' || plan.table === 'rollups_1m' || plan.table === 'latest' ? tagScope(plan.where) : undefined;

    const describe = this.#local.query(`SELECT * FROM (${sql}) AS q LIMIT 0`, { maxRows: 0, timeoutMs: opts.timeoutMs });
    const localStarted = performance.now();
    const local = this.#local.query(plan.partialSql, { maxRows: partialCap, timeoutMs: opts.timeoutMs });
    const peers = this.#peers.all().filter((p) => p.state !== 'self');
    const remote = peers.map((p) => this.#askPeer(p, plan, partialCap, budget, scope));

    const [described, mine] = await Promise.all([describe, local]);
    const nodes: NodeReport[] = [{ node: this.#node, url: null, state: 'answered', rows: mine.rows.length, elapsedMs: performance.now() - localStarted }];
    const answers: PartialAnswer[] = [{ node: this.#node, columns: mine.columns, rows: mine.rows, truncated: mine.truncated, elapsedMs: mine.elapsedMs }];
    for (const r of await Promise.all(remote)) {
      if (r.report.state === 'answered' && r.answer) {
        const mismatch = sameColumns(mine.columns, r.answer.columns);
        if (mismatch) {
          nodes.push({ ...r.report, state: 'missing', reason: `malformed answer: ${mismatch}` });
          continue;
        }
        answers.push(r.answer);
      }
      nodes.push(r.report);
    }
    const missing = nodes.filter((n) => n.state === 'missing').map((n) => ({ node: n.node, url: n.url ?? '', reason: n.reason ?? 'no answer' }));
    if (missing.length > 0 && opts.allowPartial === false) {
      throw new FabricError('FABRIC_PARTIAL', `${missing.length} node(s) did not answer: ${missing.map((m) => `${m.node} (${m.reason})`).join('; ')}; retry, or allow a partial answer`);
    }
    const cut = answers.find((a) => a.truncated);
    if (cut && plan.kind === 'aggregate') {
      throw new FabricError('FABRIC_TOO_MANY_GROUPS', `node ${cut.node} has more than ${MAX_PARTIAL_GROUPS} groups for this query, so its part cannot be merged exactly; group more coarsely or filter`);
    }
    let merged: QueryResult | undefined;
    while (!merged) {
      try {
        merged = await this.#merge.run(mine.columns, answers.map((a) => ({ node: a.node, rows: a.rows })), plan.mergeSql(described.columns), { maxRows: opts.maxRows });
      } catch (err) {
        // A peer whose rows do not load is dropped and named, never merged half-read.
        const bad = (err as { node?: string }).node;
        if (!bad || bad === this.#node) throw err;
        const i = answers.findIndex((a) => a.node === bad);
        answers.splice(i, 1);
        const report = nodes.find((n) => n.node === bad);
        if (report) Object.assign(report, { state: 'missing', reason: errorMessage(err) });
        missing.push({ node: bad, url: report?.url ?? '', reason: errorMessage(err) });
      }
    }
    return {
      ...merged,
      truncated: merged.truncated || (cut !== undefined && plan.kind === 'rows'),
      elapsedMs: performance.now() - started,
      scope: 'site', partial: missing.length > 0, missing, nodes, plan: plan.kind,
    };
  }

  async #askPeer(peer: Peer, plan: SitePlan, maxRows: number, budget: number, scope: ReturnType<typeof tagScope>): Promise<{ report: NodeReport; answer?: PartialAnswer }> {
    const started = performance.now();
    const name = (): string => peer.node ?? peer.client.url;
    const deadline = AbortSignal.timeout(budget);
    try {
      // A peer is queried only once it has said who it is: a URL that is this node must not count twice.
      if (!peer.instance || peer.state === 'down') await this.#peers.identify(peer, budget, deadline);
      if (peer.state === 'self') return { report: { node: name(), url: peer.client.url, state: 'skipped', reason: 'this node' } };
      const tags = peer.catalogue?.tags.map((t) => t.tag);
      if (scope && tags && !mayHold(scope, tags)) return { report: { node: name(), url: peer.client.url, state: 'skipped', reason: 'holds none of the tags asked for' } };
      const left = Math.max(1, Math.floor(budget - (performance.now() - started)));
      const answer = await peer.client.partial(plan.partialSql, { maxRows, timeoutMs: left, signal: deadline });
      return { report: { node: answer.node, url: peer.client.url, state: 'answered', rows: answer.rows.length, elapsedMs: performance.now() - started }, answer };
    } catch (err) {
      return { report: { node: name(), url: peer.client.url, state: 'missing', reason: errorMessage(err), elapsedMs: performance.now() - started } };
    }
  }
}

function sameColumns(a: readonly { name: string; type: string }[], b: readonly { name: string; type: string }[]): string | undefined {
  if (a.length !== b.length) return `${b.length} columns where ${a.length} were expected`;
  const i = a.findIndex((c, k) => c.name !== b[k]!.name || c.type !== b[k]!.type);
  return i >= 0 ? `column ${i + 1} is ${b[i]!.name} ${b[i]!.type}, expected ${a[i]!.name} ${a[i]!.type}` : undefined;
}
