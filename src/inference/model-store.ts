import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage, InferenceError } from './errors.js';
import type { ModelManifest } from './model-manifest.js';
import { loadOnnxModel, sha256Hex, type OnnxModel } from './onnx-model.js';

/** One stored version of a model. */
export interface ModelVersion {
  version: string;
  sha256: string;
  bytes: number;
  registeredAt: number;
  /** Where it came from: "api", "config", "hub", "cli". */
  source: string;
  actor?: string;
  kind: 'tags' | 'image';
  description: string;
  training?: Record<string, unknown>;
}

/** A model with its versions and which of them run. */
export interface ModelRecord {
  name: string;
  versions: ModelVersion[];
  active: string | null;
  shadow: string | null;
  /** Activation history, oldest first; the last entry is the active version. Rollback goes one back. */
  history: string[];
}

interface ModelState {
  active: string | null;
  shadow: string | null;
  history: string[];
}

/** What a new version arrives with. */
export interface NewVersion {
  bytes: Uint8Array;
  manifest?: unknown;
  /** Expected SHA-256 (hex); a mismatch rejects the version. */
  sha256?: string;
  source: string;
  actor?: string;
  /** Name to file it under; must equal the manifest's name when both are given. */
  name?: string;
}

/**
 * Model versions on the node's disk: `<dir>/<name>/<version>/model.onnx`
 * beside its manifest, and `<name>/state.json` saying which version is active
 * and which runs in shadow. Every change is written to a temporary file and
 * renamed into place, so a crash leaves the old state or the new one.
 */
export class ModelStore {
  readonly #dir: string;
  readonly #records = new Map<string, ModelRecord>();
  readonly #maxBytes: number;

  private constructor(dir: string, maxBytes: number) {
    this.#dir = dir;
    this.#maxBytes = maxBytes;
  }

  static async open(dir: string, opts: { maxBytes?: number } = {}): Promise<ModelStore> {
    await mkdir(dir, { recursive: true });
    const store = new ModelStore(dir, opts.maxBytes ?? 256 * 1024 * 1024);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const rec = await store.#read(entry.name).catch(() => null);
      if (rec) store.#records.set(rec.name, rec);
    }
    return store;
  }

  list(): ModelRecord[] {
    return [...this.#records.values()].map((r) => structuredClone(r));
  }

  get(name: string): ModelRecord | undefined {
    const r = this.#records.get(name);
    return r ? structuredClone(r) : undefined;
  }

  /**
   * Validates a model (loading it in onnxruntime) and stores it as the next
   * version; the same bytes again return the version they already are.
   * The caller owns the returned model and must close it.
   */
  async add(v: NewVersion): Promise<{ version: ModelVersion; model: OnnxModel; created: boolean }> {
    const sha = sha256Hex(v.bytes);
    if (v.sha256 !== undefined && v.sha256.toLowerCase() !== sha) {
      throw new InferenceError('MODEL_CHECKSUM_MISMATCH', `the model's SHA-256 is ${sha}, not the ${v.sha256} it was sent with; the file was damaged or replaced on the way — send it again`);
    }
    const model = await loadOnnxModel(v.bytes, { maxBytes: this.#maxBytes, ...(v.manifest !== undefined ? { manifest: v.manifest } : {}) });
    try {
      const name = model.manifest.name;
      if (v.name !== undefined && v.name !== name) throw new InferenceError('MODEL_MANIFEST_INVALID', `the manifest names the model "${name}", but it was sent for "${v.name}"`);
      const rec = this.#records.get(name) ?? { name, versions: [], active: null, shadow: null, history: [] };
      const existing = rec.versions.find((x) => x.sha256 === sha);
      if (existing) return { version: { ...existing }, model, created: false };
      const prev = rec.versions.at(-1);
      if (prev && prev.kind !== model.manifest.input.type) {
        throw new InferenceError('MODEL_KIND_MISMATCH', `model "${name}" takes ${prev.kind} input, and this version takes ${model.manifest.input.type}; register it under a new name`);
      }
      const number = rec.versions.reduce((n, x) => Math.max(n, Number(x.version.slice(1)) || 0), 0) + 1;
      const version: ModelVersion = {
        version: `v${number}`,
        sha256: sha,
        bytes: v.bytes.length,
        registeredAt: Date.now(),
        source: v.source,
        ...(v.actor ? { actor: v.actor } : {}),
        kind: model.manifest.input.type,
        description: model.manifest.description,
        ...(model.manifest.training ? { training: model.manifest.training } : {}),
      };
      await this.#writeVersion(name, version, v.bytes, model.manifest);
      rec.versions.push(version);
      this.#records.set(name, rec);
      await this.#writeState(name, rec);
      return { version: { ...version }, model, created: true };
    } catch (err) {
      await model.close();
      throw err;
    }
  }

  /** Loads a stored version, checking its bytes still have the SHA-256 recorded at registration. */
  async load(name: string, version: string): Promise<OnnxModel> {
    const v = this.#version(name, version);
    const dir = path.join(this.#dir, name, version);
    const [bytes, manifest] = await Promise.all([readFile(path.join(dir, 'model.onnx')), readFile(path.join(dir, 'manifest.json'), 'utf8')]);
    const sha = sha256Hex(bytes);
    if (sha !== v.sha256) throw new InferenceError('MODEL_CHECKSUM_MISMATCH', `stored model ${name} ${version} has SHA-256 ${sha}, not ${v.sha256}: the file changed on disk; register the model again`);
    return loadOnnxModel(bytes, { manifest: JSON.parse(manifest) as unknown, maxBytes: this.#maxBytes });
  }

  /** Makes `version` the active one (recorded in the history for rollback); returns the version it replaced. */
  async activate(name: string, version: string): Promise<string | null> {
    const rec = this.#record(name);
    this.#version(name, version);
    const from = rec.active;
    if (from === version) return from;
    const history = [...rec.history, version].slice(-50);
    await this.#commit(rec, { active: version, shadow: rec.shadow === version ? null : rec.shadow, history });
    return from;
  }

  /** Goes back to the version active before the current one; returns [from, to]. */
  async rollback(name: string): Promise<[string, string]> {
    const rec = this.#record(name);
    const from = rec.active;
    const to = rec.history.at(-2);
    if (!from || !to) throw new InferenceError('MODEL_NO_PREVIOUS', `model "${name}" has no earlier active version to roll back to`);
    await this.#commit(rec, { active: to, shadow: rec.shadow, history: rec.history.slice(0, -1) });
    return [from, to];
  }

  async setShadow(name: string, version: string | null): Promise<string | null> {
    const rec = this.#record(name);
    if (version !== null) this.#version(name, version);
    const from = rec.shadow;
    await this.#commit(rec, { active: rec.active, shadow: version === rec.active ? null : version, history: rec.history });
    return from;
  }

  #record(name: string): ModelRecord {
    const rec = this.#records.get(name);
    if (!rec) throw new InferenceError('MODEL_NOT_FOUND', `no model "${name}"; registered models: ${[...this.#records.keys()].join(', ') || 'none'}`);
    return rec;
  }

  #version(name: string, version: string): ModelVersion {
    const v = this.#record(name).versions.find((x) => x.version === version);
    if (!v) throw new InferenceError('MODEL_VERSION_NOT_FOUND', `model "${name}" has no version "${version}"; it has ${this.#record(name).versions.map((x) => x.version).join(', ')}`);
    return v;
  }

  async #read(name: string): Promise<ModelRecord | null> {
    const dir = path.join(this.#dir, name);
    const versions: ModelVersion[] = [];
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || !/^v\d+$/.test(e.name)) continue;
      const v = await readFile(path.join(dir, e.name, 'version.json'), 'utf8').then((t) => JSON.parse(t) as ModelVersion).catch(() => null);
      if (v) versions.push(v);
    }
    if (versions.length === 0) return null;
    versions.sort((a, b) => Number(a.version.slice(1)) - Number(b.version.slice(1)));
    const state = await readFile(path.join(dir, 'state.json'), 'utf8').then((t) => JSON.parse(t) as ModelState).catch((): ModelState => ({ active: null, shadow: null, history: [] }));
    const known = new Set(versions.map((v) => v.version));
    const ok = (v: string | null): string | null => (v && known.has(v) ? v : null);
    return { name, versions, active: ok(state.active), shadow: ok(state.shadow), history: state.history.filter((v) => known.has(v)) };
  }

  async #writeVersion(name: string, version: ModelVersion, bytes: Uint8Array, manifest: ModelManifest): Promise<void> {
    const final = path.join(this.#dir, name, version.version);
    const tmp = path.join(this.#dir, name, `.tmp-${version.version}-${process.pid}`);
    try {
      await rm(tmp, { recursive: true, force: true });
      await mkdir(tmp, { recursive: true });
      await writeFile(path.join(tmp, 'model.onnx'), bytes);
      await writeFile(path.join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      await writeFile(path.join(tmp, 'version.json'), `${JSON.stringify(version, null, 2)}\n`);
      await rename(tmp, final);
    } catch (cause) {
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      throw new InferenceError('MODEL_STORE_FAILED', `cannot store model ${name} ${version.version} under ${this.#dir}: ${errorMessage(cause)}`, { cause });
    }
  }

  /** Writes the new state, then (only once it is on disk) applies it in memory. */
  async #commit(rec: ModelRecord, state: ModelState): Promise<void> {
    await this.#writeState(rec.name, state);
    rec.active = state.active;
    rec.shadow = state.shadow;
    rec.history = state.history;
  }

  async #writeState(name: string, state: ModelState): Promise<void> {
    const file = path.join(this.#dir, name, 'state.json');
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
      await rename(`${file}.tmp`, file);
    } catch (cause) {
      throw new InferenceError('MODEL_STORE_FAILED', `cannot write ${file}: ${errorMessage(cause)}`, { cause });
    }
  }
}
