import { createHash } from 'node:crypto';
import { parseSiteConfigText, type SiteConfig } from '../config/index.js';
import { createEvent, type FabrikEvent } from '../core/index.js';
import { isSignedConfigText, parseSignedConfig, verifySignedConfig, type TrustedKey } from '../security/index.js';
import { ConfigVersions, type AppliedVersion } from './config-versions.js';
import { RolloutError, RolloutErrorCode } from './errors.js';

/** What a node answers when asked to run another config. */
export type ReconfigureOutcome = { ok: true; restartRequired: string[] } | { ok: false; failed: Record<string, string> };

/** The node side of a rollout: swap the running config, report whether its sources came up. */
export interface Reconfigurable {
  reconfigure(config: SiteConfig): Promise<ReconfigureOutcome>;
}

/** A document that passed the checks and can be switched to. */
export interface VerifiedConfig {
  config: SiteConfig;
  version: number;
  sha256: string;
  keyId: string | null;
  signedAt: string | null;
  text: string;
}

export interface ConfigRolloutOptions {
  versions: ConfigVersions;
  /** Keys signatures are accepted from; non-empty = enforcing (unsigned documents are refused). */
  trusted: readonly TrustedKey[];
  target: Reconfigurable;
  /** The config running now and its record (null when it was never recorded, e.g. the demo). */
  current: { config: SiteConfig; applied: AppliedVersion | null };
  /** Stores and publishes events (config.applied / config.rejected / config.rolled-back are audited). */
  recordEvent(event: FabrikEvent): void;
  siteAsset: string;
}

/**
 * Validate → stage → switch, with rollback: applies a (signed) site config to
 * a running node atomically. One apply at a time; a version is never lower than
 * the one running; a config whose sources do not come up is rolled back to the
 * previous one, which keeps running.
 */
export class ConfigRollout {
  #o: ConfigRolloutOptions;
  #config: SiteConfig;
  #applied: AppliedVersion | null;
  #busy = false;

  constructor(o: ConfigRolloutOptions) {
    this.#o = o;
    this.#config = o.current.config;
    this.#applied = o.current.applied;
  }

  get enforcing(): boolean {
    return this.#o.trusted.length > 0;
  }

  /** The keys signatures are checked against (configs, and models from the hub). */
  get trusted(): readonly TrustedKey[] {
    return this.#o.trusted;
  }

  get applied(): AppliedVersion | null {
    return this.#applied;
  }

  get config(): SiteConfig {
    return this.#config;
  }

  /** Checks signature (when enforcing or signed), version and schema; throws coded errors. */
  verify(text: string): VerifiedConfig {
    return verifyConfigText(text, this.#o.trusted, this.#applied?.version ?? 0);
  }

  /** The applied version, trust and recent history: what `GET /config/version` answers and the hub reads. */
  async status(): Promise<Record<string, unknown>> {
    const history = await this.#o.versions.history(20);
    return {
      version: this.#applied?.version ?? null,
      sha256: this.#applied?.sha256 ?? null,
      keyId: this.#applied?.keyId ?? null,
      signedAt: this.#applied?.signedAt ?? null,
      appliedAt: this.#applied?.appliedAt ?? null,
      appliedBy: this.#applied?.appliedBy ?? null,
      source: this.#applied?.source ?? null,
      siteId: this.#config.site.id,
      enforcing: this.enforcing,
      trustedKeys: this.#o.trusted.map((k) => k.keyId),
      history,
    };
  }

  /** Applies a document; resolves with the new version's record or throws (RolloutError, SecurityError, ConfigError). */
  async apply(text: string, actor: string, source = 'api'): Promise<Record<string, unknown>> {
    if (this.#busy) throw new RolloutError(RolloutErrorCode.Busy, 'another config is being applied; try again when it is done');
    this.#busy = true;
    try {
      const sha = createHash('sha256').update(text).digest('hex');
      let next: VerifiedConfig;
      try {
        // The same document again (a watch re-reading its file) is a no-op — once its signature checks out.
        if (this.#applied && isSignedConfigText(text)) {
          const signed = parseSignedConfig(text);
          if (signed.sha256 === this.#applied.sha256) {
            verifySignedConfig(signed, this.#o.trusted);
            return { version: this.#applied.version, unchanged: true };
          }
        } else if (this.#applied && !this.enforcing && sha === this.#applied.sha256) {
          return { version: this.#applied.version, unchanged: true };
        }
        next = this.verify(text);
      } catch (err) {
        const reason = (err as Error).message;
        await this.#o.versions.record({ ts: Date.now(), outcome: 'rejected', reason, appliedBy: actor, source });
        this.#event('config.rejected', 'high', `config refused: ${reason}`, { actor, source, code: (err as { code?: string }).code, textSha256: sha });
        throw err;
      }
      await this.#o.versions.stage(next.version, text);
      const previous = this.#config;
      // A switch that throws half way is a failed switch too: go back all the same.
      const outcome = await this.#o.target.reconfigure(next.config).catch((err: unknown): ReconfigureOutcome => ({ ok: false, failed: { node: (err as Error).message } }));
      if (!outcome.ok) {
        const back = await this.#o.target.reconfigure(previous).catch((err: unknown): ReconfigureOutcome => ({ ok: false, failed: { node: (err as Error).message } }));
        const reason = `sources did not come up: ${Object.entries(outcome.failed).map(([k, v]) => `${k} (${v})`).join(', ')}`;
        await this.#o.versions.record({ ts: Date.now(), outcome: 'rolled-back', version: next.version, sha256: next.sha256, reason, appliedBy: actor, source });
        this.#event('config.rolled-back', 'high', `config version ${next.version} rolled back: ${reason}`, { actor, source, version: next.version, failed: outcome.failed, previousVersion: this.#applied?.version ?? null, previousUp: back.ok });
        throw new RolloutError(
          RolloutErrorCode.RolledBack,
          `config version ${next.version} was rolled back because ${reason}; version ${this.#applied?.version ?? '(unrecorded)'} runs again`,
          { details: { failed: outcome.failed } },
        );
      }
      const applied: AppliedVersion = { version: next.version, sha256: next.sha256, keyId: next.keyId, signedAt: next.signedAt, appliedAt: Date.now(), appliedBy: actor, source };
      await this.#o.versions.commit(applied);
      this.#applied = applied;
      this.#config = next.config;
      this.#event('config.applied', 'info', `config version ${next.version} applied`, { actor, source, version: next.version, sha256: next.sha256, keyId: next.keyId, restartRequired: outcome.restartRequired });
      return { ...applied, restartRequired: outcome.restartRequired };
    } finally {
      this.#busy = false;
    }
  }

  #event(kind: string, severity: FabrikEvent['severity'], message: string, payload: Record<string, unknown>): void {
    this.#o.recordEvent(createEvent({ kind, severity, assetPath: this.#o.siteAsset, message, payload: { target: 'site-config', ...payload } }));
  }
}

/** The checks of `ConfigRollout.verify`, also used at startup. */
export function verifyConfigText(text: string, trusted: readonly TrustedKey[], currentVersion: number): VerifiedConfig {
  if (isSignedConfigText(text)) {
    const signed = parseSignedConfig(text);
    const key = verifySignedConfig(signed, trusted);
    if (signed.version <= currentVersion) {
      throw new RolloutError(RolloutErrorCode.Stale, `config version ${signed.version} is not newer than the running version ${currentVersion}; sign the change with a higher --version`);
    }
    return { config: parseSiteConfigText(signed.document, `signed config v${signed.version}`), version: signed.version, sha256: signed.sha256, keyId: key.keyId, signedAt: signed.signedAt, text };
  }
  if (trusted.length > 0) {
    throw new RolloutError(RolloutErrorCode.Unsigned, `this node enforces signed configs (it trusts ${trusted.length} key(s)); sign the document with "fabrik config sign" first`);
  }
  return { config: parseSiteConfigText(text), version: currentVersion + 1, sha256: createHash('sha256').update(text).digest('hex'), keyId: null, signedAt: null, text };
}
