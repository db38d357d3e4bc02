import { promises as dns } from 'node:dns';
import fs from 'node:fs';
import type { Agent } from 'node:https';
import path from 'node:path';
import type { Logger } from 'pino';
import { tlsAgent, type TlsMaterial } from '../security/index.js';
import { FabricError, errorMessage } from './errors.js';
import type { FabricConfig } from './fabric-config.js';
import { PeerClient, type Catalogue } from './peer-client.js';

/** A peer as the directory sees it. */
export interface Peer {
  client: PeerClient;
  /** The node name it reported, once its catalogue arrived. */
  node: string | undefined;
  instance: string | undefined;
  state: 'unknown' | 'up' | 'down' | 'self';
  catalogue: Catalogue | undefined;
  lastSeen: number | undefined;
  error: string | undefined;
  latencyMs: number | undefined;
}

/**
 * The other nodes of the site: found from the config (a list of URLs, which
 * may include this node's own, or a DNS name whose A records are the nodes),
 * identified by the catalogue each serves, and refreshed in the background.
 * A URL that turns out to be this node (same instance id) is never queried,
 * so a shared peer list cannot double-count.
 */
export class PeerDirectory {
  readonly #config: FabricConfig;
  readonly #instance: string;
  #stopped = false;
  #refreshTimer: NodeJS.Timeout | undefined;
  readonly #logger: Logger | undefined;
  readonly #siteToken: string | undefined;
  readonly #peerTokens = new Map<string, string>();
  readonly #peers = new Map<string, Peer>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #tlsAgent: Agent | undefined;

  /** `tls`: this node's certificate; https:// peers are checked against its CA and shown its certificate (mutual TLS). */
  constructor(opts: { config: FabricConfig; instance: string; dataDir: string; logger?: Logger; tls?: TlsMaterial | null }) {
    this.#config = opts.config;
    this.#tlsAgent = opts.tls ? tlsAgent(opts.tls) : undefined;
    this.#instance = opts.instance;
    this.#logger = opts.logger;
    this.#siteToken = siteToken(opts.config, opts.dataDir);
    if (Array.isArray(opts.config.peers)) {
      for (const p of opts.config.peers) {
        const url = typeof p === 'string' ? p : p.url;
        if (typeof p !== 'string' && p.tokenFile) this.#peerTokens.set(normalize(url), readToken(path.resolve(opts.dataDir, p.tokenFile)));
        this.#add(url);
      }
    }
  }

  /** The site token peers must present (undefined: only API tokens are accepted). */
  get siteToken(): string | undefined {
    return this.#siteToken;
  }

  async start(): Promise<void> {
    const peers = this.#config.peers;
    if (!Array.isArray(peers)) {
      await this.#resolve().catch(() => undefined);
      const t = setInterval(() => void this.#resolve().catch(() => undefined), peers.every);
      t.unref();
      this.#timers.push(t);
    }
    this.#scheduleRefresh(0, 0);
  }

  /**
   * Refreshes the catalogues every `catalogueEvery`; while some peer has not
   * answered yet (nodes of a site start in any order) it asks again sooner,
   * from 1 s doubling up to that period.
   */
  #scheduleRefresh(delayMs: number, misses: number): void {
    if (this.#stopped) return;
    const t: NodeJS.Timeout = setTimeout(() => {
      void this.refresh().finally(() => {
        const waiting = this.all().some((p) => p.state === 'down' || p.state === 'unknown');
        const every = this.#config.catalogueEvery;
        this.#scheduleRefresh(waiting ? Math.min(every, 1000 * 2 ** misses) : every, waiting ? misses + 1 : 0);
      });
    }, delayMs);
    t.unref();
    this.#refreshTimer = t;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#refreshTimer);
    for (const t of this.#timers) clearInterval(t);
    this.#tlsAgent?.destroy();
  }

  all(): Peer[] {
    return [...this.#peers.values()];
  }

  /** Fetches every peer's catalogue (in parallel); never throws. */
  async refresh(timeoutMs = Math.min(this.#config.peerTimeout, 5000)): Promise<void> {
    await Promise.all(this.all().map((p) => this.identify(p, timeoutMs).catch(() => undefined)));
  }

  /** Fetches one peer's catalogue, marking it up, down or self. */
  async identify(peer: Peer, timeoutMs: number, signal?: AbortSignal): Promise<Peer> {
    const started = performance.now();
    try {
      const c = await peer.client.catalogue(timeoutMs, signal);
      peer.catalogue = c;
      peer.node = c.node;
      peer.instance = c.instance;
      peer.state = c.instance === this.#instance ? 'self' : 'up';
      peer.lastSeen = Date.now();
      peer.error = undefined;
      peer.latencyMs = performance.now() - started;
      return peer;
    } catch (err) {
      // A peer that has never answered is usually still starting (the nodes of a site start in any order): only a lost peer is a warning.
      if (peer.state === 'up') this.#logger?.warn({ peer: peer.client.url, err: errorMessage(err) }, 'fabric peer stopped answering');
      else if (peer.state === 'unknown') this.#logger?.info({ peer: peer.client.url, err: errorMessage(err) }, 'fabric peer not answering yet; asking again');
      peer.state = peer.state === 'self' ? 'self' : 'down';
      peer.error = errorMessage(err);
      throw err;
    }
  }

  #add(url: string): void {
    const key = normalize(url);
    if (this.#peers.has(key)) return;
    const token = (): string | undefined => this.#peerTokens.get(key) ?? this.#siteToken;
    // Peers found through DNS are dialled by address; their certificates carry the service name, which is what is checked.
    const peers = this.#config.peers;
    const servername = Array.isArray(peers) ? undefined : peers.dns;
    this.#peers.set(key, { client: new PeerClient(url, token, { ...(this.#tlsAgent ? { agent: this.#tlsAgent } : {}), ...(servername ? { servername } : {}) }), node: undefined, instance: undefined, state: 'unknown', catalogue: undefined, lastSeen: undefined, error: undefined, latencyMs: undefined });
  }

  async #resolve(): Promise<void> {
    const peers = this.#config.peers;
    if (Array.isArray(peers)) return;
    const addresses = await dns.resolve4(peers.dns);
    const urls = new Set(addresses.map((a) => normalize(`${peers.scheme}://${a}:${peers.port}`)));
    for (const u of urls) this.#add(u);
    for (const key of [...this.#peers.keys()]) if (!urls.has(key)) this.#peers.delete(key);
  }
}

function normalize(url: string): string {
  return url.replace(/\/+$/, '');
}

function siteToken(config: FabricConfig, dataDir: string): string | undefined {
  const env = process.env['FABRIK_SITE_TOKEN'];
  if (env) return env.trim();
  if (!config.siteTokenFile) return undefined;
  return readToken(path.resolve(dataDir, config.siteTokenFile));
}

function readToken(file: string): string {
  let token: string;
  try {
    token = fs.readFileSync(file, 'utf8').trim();
  } catch (cause) {
    throw new FabricError('FABRIC_CONFIG', `cannot read the token file ${file}: ${errorMessage(cause)}; create it (one line) or fix fabric.siteTokenFile / peers[].tokenFile`, { cause });
  }
  if (token.length < 16) throw new FabricError('FABRIC_CONFIG', `the token in ${file} is shorter than 16 characters; use a long random token`);
  return token;
}
