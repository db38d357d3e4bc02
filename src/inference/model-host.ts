import { createEvent, type ComponentHealth, type FabrikEvent, type SampleBatch, type TagRegistry } from '../core/index.js';
import { errorMessage, InferenceError } from './errors.js';
import type { ModelRecord, ModelStore, NewVersion } from './model-store.js';
import type { OnnxModel } from './onnx-model.js';
import { TagModelRunner, type LoadedVersion } from './tag-model-runner.js';

/** How a newly registered version starts. */
export type RegisterMode = 'active' | 'shadow' | 'staged';

interface Loaded {
  active: LoadedVersion | null;
  shadow: LoadedVersion | null;
  error: string | null;
}

/**
 * Owns the running versions of every model: a runner per tags model, the
 * loaded versions of image models (the cameras use them). Every change —
 * register, activate, shadow, rollback — loads and validates the new version
 * first, writes the new state, then swaps it in with one assignment; the old
 * version keeps scoring until then and is closed after its last run. Each
 * switch is published as a `model.switched` event (the audit seam).
 */
export class ModelHost {
  readonly #store: ModelStore;
  readonly #tags: TagRegistry;
  readonly #emitEvent: (e: FabrikEvent) => void;
  readonly #emitSamples: (b: SampleBatch) => void;
  readonly #assetPath: string;
  readonly #runners = new Map<string, TagModelRunner>();
  readonly #images = new Map<string, Loaded>();
  readonly #errors = new Map<string, string>();
  #locks = new Map<string, Promise<unknown>>();
  /** Waits for the cameras using an image model to finish their pictures. */
  waitForCameras: (model: string) => Promise<void> = async () => {};

  constructor(opts: { store: ModelStore; tags: TagRegistry; emitEvent: (e: FabrikEvent) => void; emitSamples: (b: SampleBatch) => void; assetPath: string }) {
    this.#store = opts.store;
    this.#tags = opts.tags;
    this.#emitEvent = opts.emitEvent;
    this.#emitSamples = opts.emitSamples;
    this.#assetPath = opts.assetPath;
  }

  /** Loads what the store says is active and in shadow; a version that fails to load is reported in health, not thrown. */
  async start(): Promise<void> {
    for (const rec of this.#store.list()) {
      await this.#lock(rec.name, async () => {
        const active = rec.active ? await this.#tryLoad(rec.name, rec.active) : null;
        const shadow = rec.shadow ? await this.#tryLoad(rec.name, rec.shadow) : null;
        await this.#install(rec, active, shadow);
      });
    }
  }

  /** Validates and stores a new version, then starts it as `mode` says. */
  async register(v: NewVersion, mode: RegisterMode, actor: string): Promise<{ name: string; version: string; sha256: string; created: boolean }> {
    const { version, model, created } = await this.#store.add({ ...v, actor });
    const name = model.manifest.name;
    return this.#lock(name, async () => {
      const rec = this.#store.get(name)!;
      const loaded = { version: version.version, model };
      const current = mode === 'active' ? rec.active : mode === 'shadow' ? rec.shadow : null;
      if (mode === 'staged' || current === version.version) {
        await model.close();
      } else if (mode === 'active') {
        const from = await this.#store.activate(name, version.version);
        await this.#install(this.#store.get(name)!, loaded, this.#current(name).shadow);
        this.#switched(name, 'register', 'active', from, version.version, actor);
      } else {
        const from = await this.#store.setShadow(name, version.version);
        await this.#install(this.#store.get(name)!, this.#current(name).active, loaded);
        this.#switched(name, 'register', 'shadow', from, version.version, actor);
      }
      return { name, version: version.version, sha256: version.sha256, created };
    });
  }

  async activate(name: string, version: string, actor: string): Promise<{ from: string | null; to: string }> {
    return this.#lock(name, async () => {
      const loaded = await this.#loadOrReuse(name, version);
      let from: string | null;
      try {
        from = await this.#store.activate(name, version);
      } catch (err) {
        await this.#closeUnused(name, loaded);
        throw err;
      }
      const cur = this.#current(name);
      await this.#install(this.#store.get(name)!, loaded, cur.shadow?.version === version ? null : cur.shadow);
      this.#switched(name, 'activate', 'active', from, version, actor);
      return { from, to: version };
    });
  }

  async rollback(name: string, actor: string): Promise<{ from: string; to: string }> {
    return this.#lock(name, async () => {
      const rec = this.#store.get(name);
      const to = rec?.history.at(-2);
      if (!rec || !to) throw new InferenceError('MODEL_NO_PREVIOUS', `model "${name}" has no earlier active version to roll back to`);
      const loaded = await this.#loadOrReuse(name, to);
      let step: [string, string];
      try {
        step = await this.#store.rollback(name);
      } catch (err) {
        await this.#closeUnused(name, loaded);
        throw err;
      }
      const cur = this.#current(name);
      await this.#install(this.#store.get(name)!, loaded, cur.shadow?.version === to ? null : cur.shadow);
      this.#switched(name, 'rollback', 'active', step[0], step[1], actor);
      return { from: step[0], to: step[1] };
    });
  }

  async setShadow(name: string, version: string | null, actor: string): Promise<{ from: string | null; to: string | null }> {
    return this.#lock(name, async () => {
      const loaded = version ? await this.#loadOrReuse(name, version) : null;
      const from = await this.#store.setShadow(name, version);
      await this.#install(this.#store.get(name)!, this.#current(name).active, loaded);
      this.#switched(name, 'shadow', 'shadow', from, version, actor);
      return { from, to: version };
    });
  }

  /** The running versions of an image model (cameras call this for every picture). */
  image(name: string): { active: LoadedVersion | null; shadow: LoadedVersion | null } {
    const l = this.#images.get(name);
    return { active: l?.active ?? null, shadow: l?.shadow ?? null };
  }

  runner(name: string): TagModelRunner | undefined {
    return this.#runners.get(name);
  }

  records(): ModelRecord[] {
    return this.#store.list();
  }

  process(batch: SampleBatch): void {
    for (const r of this.#runners.values()) r.process(batch);
  }

  tick(now: number): void {
    for (const r of this.#runners.values()) r.tick(now);
  }

  health(): Record<string, ComponentHealth> {
    const out: Record<string, ComponentHealth> = {};
    for (const rec of this.#store.list()) {
      const err = this.#errors.get(rec.name);
      const runner = this.#runners.get(rec.name);
      const since = Date.now();
      if (err) out[`model.${rec.name}`] = { state: 'down', since, message: err };
      else if (runner) out[`model.${rec.name}`] = runner.health();
      else if (this.#images.get(rec.name)?.active) out[`model.${rec.name}`] = { state: 'up', since, details: { active: rec.active, shadow: rec.shadow } };
      else out[`model.${rec.name}`] = { state: 'degraded', since, message: 'no active version; activate one with POST /api/v1/models/:name/activate' };
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#locks.values()].map((p) => p.catch(() => undefined)));
    for (const r of this.#runners.values()) await r.close();
    for (const [name, l] of this.#images) {
      await this.waitForCameras(name);
      await l.active?.model.close();
      await l.shadow?.model.close();
    }
    this.#runners.clear();
    this.#images.clear();
  }

  #current(name: string): { active: LoadedVersion | null; shadow: LoadedVersion | null } {
    const r = this.#runners.get(name);
    return r ? { active: r.active, shadow: r.shadow } : this.image(name);
  }

  /** Puts loaded versions in place in one step; closes the ones no longer used. */
  async #install(rec: ModelRecord, active: LoadedVersion | null, shadow: LoadedVersion | null): Promise<void> {
    if (active) this.#errors.delete(rec.name);
    const kind = rec.versions.at(-1)?.kind;
    if (kind === 'tags') {
      let runner = this.#runners.get(rec.name);
      if (!runner) {
        runner = new TagModelRunner({ name: rec.name, tags: this.#tags, emitEvent: this.#emitEvent, emitSamples: this.#emitSamples });
        this.#runners.set(rec.name, runner);
      }
      await runner.swap(active, shadow);
      return;
    }
    const old = this.#images.get(rec.name);
    this.#images.set(rec.name, { active, shadow, error: null });
    const keep = new Set<OnnxModel | undefined>([active?.model, shadow?.model]);
    const stale = [old?.active, old?.shadow].filter((l): l is LoadedVersion => !!l && !keep.has(l.model));
    if (stale.length > 0) {
      await this.waitForCameras(rec.name);
      for (const l of stale) await l.model.close();
    }
  }

  async #loadOrReuse(name: string, version: string): Promise<LoadedVersion> {
    const cur = this.#current(name);
    if (cur.active?.version === version) return cur.active;
    if (cur.shadow?.version === version) return cur.shadow;
    return { version, model: await this.#store.load(name, version) };
  }

  async #closeUnused(name: string, loaded: LoadedVersion): Promise<void> {
    const cur = this.#current(name);
    if (cur.active !== loaded && cur.shadow !== loaded) await loaded.model.close();
  }

  async #tryLoad(name: string, version: string): Promise<LoadedVersion | null> {
    try {
      return { version, model: await this.#store.load(name, version) };
    } catch (err) {
      this.#errors.set(name, `version ${version} cannot be loaded: ${errorMessage(err)}`);
      return null;
    }
  }

  #switched(name: string, action: 'register' | 'activate' | 'rollback' | 'shadow', mode: 'active' | 'shadow', from: string | null, to: string | null, actor: string): void {
    if (from === to) return;
    this.#emitEvent(
      createEvent({
        kind: 'model.switched',
        assetPath: this.#assetPath,
        severity: 'info',
        message: `model ${name}: ${mode} version ${from ?? 'none'} → ${to ?? 'none'} (${action} by ${actor})`,
        payload: { actor, model: name, action, mode, from, to },
      }),
    );
  }

  /** One change at a time per model. */
  #lock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(name) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(fn);
    this.#locks.set(name, run);
    return run;
  }
}
