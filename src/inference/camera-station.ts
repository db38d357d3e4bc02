import { mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createEvent, Quality, SampleBatchBuilder, type ComponentHealth, type FabrikEvent, type Sample, type SampleBatch, type TagRegistry } from '../core/index.js';
import { errorMessage, InferenceError } from './errors.js';
import { decodeImage, IMAGE_CONTENT_TYPES, imageFormat } from './image-decode.js';
import { imageToTensor, type RgbImage } from './image-tensor.js';
import type { CameraConfig } from './inference-config.js';
import { readVerdict, type Verdict } from './inspection-verdict.js';
import type { ImageInput } from './model-manifest.js';
import { INFERENCE_SOURCE, scoreTagDefinition } from './score-tags.js';
import type { LoadedVersion } from './tag-model-runner.js';

/** One finished inspection, as the API and the event report it. */
export interface InspectionResult extends Verdict {
  id: string;
  camera: string;
  partId: string;
  ts: number;
  model: string;
  version: string;
  /** The truth, when the source knows it (the simulator does). */
  truth?: string;
  source: string;
}

/** A picture arriving at the station. */
export interface IncomingImage {
  bytes: Uint8Array;
  partId: string;
  source: 'folder' | 'upload' | 'sim';
  truth?: string;
  ts?: number;
}

/** Images waiting at one station before new ones are refused (HTTP 503). */
const MAX_QUEUE = 64;

/**
 * One inspection camera: each picture is decoded (size-limited), run through
 * the camera's image model, and becomes an `inspection` event (part id,
 * verdict, score, defect class) plus counter tags "<camera>.inspected" and
 * "<camera>.rejects" (a p-chart's n and defectives) and "<camera>.defect_score".
 * The newest `keepImages` pictures stay on disk for review.
 */
export class CameraStation {
  readonly config: CameraConfig;
  readonly #dir: string;
  readonly #tags: TagRegistry;
  readonly #emitEvent: (e: FabrikEvent) => void;
  readonly #emitSamples: (b: SampleBatch) => void;
  readonly #model: () => { active: LoadedVersion | null; shadow: LoadedVersion | null };
  readonly #kept: string[] = [];
  readonly #tagInspected: number;
  readonly #tagRejects: number;
  readonly #tagScore: number;
  readonly #tagShadow: number;
  #chain: Promise<unknown> = Promise.resolve();
  #queued = 0;
  #seq = 0;
  #since = Date.now();
  #lastError: string | null = null;
  stats = { inspected: 0, rejected: 0, refused: 0, failed: 0, badImages: 0, byDefect: {} as Record<string, number>, confusion: {} as Record<string, Record<string, number>>, shadow: { runs: 0, agree: 0 } };

  constructor(opts: { config: CameraConfig; dataDir: string; tags: TagRegistry; emitEvent: (e: FabrikEvent) => void; emitSamples: (b: SampleBatch) => void; model: () => { active: LoadedVersion | null; shadow: LoadedVersion | null }; latest?: (tagIndex: number) => Sample | undefined }) {
    this.config = opts.config;
    this.#dir = path.join(opts.dataDir, 'inspections', opts.config.id);
    this.#tags = opts.tags;
    this.#emitEvent = opts.emitEvent;
    this.#emitSamples = opts.emitSamples;
    this.#model = opts.model;
    const about = { assetPath: opts.config.asset, retentionClass: 'standard' };
    const id = opts.config.id;
    for (const t of [`${id}.inspected`, `${id}.rejects`, `${id}.defect_score`, `${id}.shadow.defect_score`]) {
      if (opts.tags.has(t) && opts.tags.get(opts.tags.index(t)!)!.source !== INFERENCE_SOURCE) throw new InferenceError('INFERENCE_CONFIG_INVALID', `camera "${id}" would define tag "${t}", which a device already defines; rename the camera`);
    }
    this.#tagInspected = opts.tags.define({ ...scoreTagDefinition(about, `${id}.inspected`, `Parts inspected by camera ${id} (counter)`, 'parts'), dataType: 'integer' });
    this.#tagRejects = opts.tags.define({ ...scoreTagDefinition(about, `${id}.rejects`, `Parts rejected by camera ${id} (counter)`, 'parts'), dataType: 'integer' });
    this.#tagScore = opts.tags.define(scoreTagDefinition(about, `${id}.defect_score`, `Defect score of the last part seen by camera ${id} (0 good … 1 defective)`));
    this.#tagShadow = opts.tags.define(scoreTagDefinition(about, `${id}.shadow.defect_score`, `Defect score of the shadow model on camera ${id}`));
    // Counters go on from where they were: the store holds their last values.
    const last = (tag: number): number => {
      const v = opts.latest?.(tag)?.value;
      return typeof v === 'number' && Number.isFinite(v) ? v : 0;
    };
    this.stats.inspected = last(this.#tagInspected);
    this.stats.rejected = last(this.#tagRejects);
  }

  async open(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const files = (await readdir(this.#dir)).filter((f) => /^[a-z0-9_-]+_\d+_\d+\.(png|jpeg|ppm)$/.test(f)).sort(byTime);
    this.#kept.push(...files);
    await this.#trim();
  }

  /** Queues a picture; resolves with the inspection or rejects with an InferenceError (bad image, no model, queue full). */
  inspect(image: IncomingImage): Promise<InspectionResult> {
    if (this.#queued >= MAX_QUEUE) {
      this.stats.refused++;
      return Promise.reject(new InferenceError('CAMERA_BUSY', `camera "${this.config.id}" has ${MAX_QUEUE} images waiting; slow down or add CPU`));
    }
    this.#queued++;
    const run = this.#chain.then(() => this.#inspect(image)).finally(() => this.#queued--);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every queued picture is done (a model swap waits for it before closing the old model). */
  async idle(): Promise<void> {
    await this.#chain;
  }

  /** A kept picture by inspection id. */
  async image(id: string): Promise<{ bytes: Buffer; contentType: string } | null> {
    const file = this.#kept.find((f) => f.slice(0, f.lastIndexOf('.')) === id);
    if (!file) return null;
    const bytes = await readFile(path.join(this.#dir, file)).catch(() => null);
    if (!bytes) return null;
    const format = imageFormat(bytes);
    return { bytes, contentType: format ? IMAGE_CONTENT_TYPES[format] : 'application/octet-stream' };
  }

  health(): ComponentHealth {
    const details = { inspected: this.stats.inspected, rejected: this.stats.rejected, failed: this.stats.failed, badImages: this.stats.badImages, queued: this.#queued };
    if (!this.#model().active) return { state: 'degraded', since: this.#since, message: `model "${this.config.model}" has no active version; register it (POST /api/v1/models)`, details };
    if (this.#lastError) return { state: 'degraded', since: this.#since, message: this.#lastError, details };
    return { state: 'up', since: this.#since, details };
  }

  async #inspect(incoming: IncomingImage): Promise<InspectionResult> {
    const { active, shadow } = this.#model();
    if (!active) throw new InferenceError('CAMERA_NO_MODEL', `camera "${this.config.id}" has no active model "${this.config.model}" to inspect with; register and activate it first`);
    let image: RgbImage;
    try {
      image = decodeImage(incoming.bytes, { maxBytes: this.config.maxImageBytes, maxPixels: this.config.maxPixels });
    } catch (err) {
      this.stats.badImages++;
      throw err;
    }
    const ts = incoming.ts ?? Date.now();
    let verdict: Verdict;
    try {
      verdict = readVerdict(active.model.manifest, await this.#run(active, image));
      this.#lastError = null;
    } catch (err) {
      this.stats.failed++;
      this.#lastError = `model ${active.version} failed on part ${incoming.partId}: ${errorMessage(err)}`;
      this.#since = Date.now();
      throw new InferenceError('MODEL_RUN_FAILED', this.#lastError, { cause: err });
    }
    const id = `${this.config.id}_${ts}_${this.#seq++}`;
    const result: InspectionResult = { id, camera: this.config.id, partId: incoming.partId, ts, ...verdict, model: this.config.model, version: active.version, source: incoming.source, ...(incoming.truth !== undefined ? { truth: incoming.truth } : {}) };
    this.#count(result);
    const out = new SampleBatchBuilder(4);
    out.push(this.#tagInspected, ts, this.stats.inspected, Quality.Good);
    out.push(this.#tagRejects, ts, this.stats.rejected, Quality.Good);
    out.push(this.#tagScore, ts, verdict.score, Quality.Good);
    if (shadow) {
      // Shadow: recorded as a score, compared with the active verdict, never an event.
      const s = await this.#run(shadow, image).then((o) => readVerdict(shadow.model.manifest, o)).catch(() => null);
      if (s) {
        out.push(this.#tagShadow, ts, s.score, Quality.Good);
        this.stats.shadow.runs++;
        if (s.verdict === verdict.verdict) this.stats.shadow.agree++;
      }
    }
    this.#emitSamples(out.build());
    const reject = verdict.verdict === 'reject';
    this.#emitEvent(
      createEvent({
        kind: 'inspection',
        ts,
        assetPath: this.config.asset,
        severity: reject ? active.model.manifest.severity : 'info',
        tag: `${this.config.id}.defect_score`,
        message: `${incoming.partId}: ${reject ? `reject (${verdict.defect}, score ${verdict.score.toFixed(3)})` : `pass (score ${verdict.score.toFixed(3)})`}`,
        payload: { ...result, imageId: this.config.keepImages > 0 ? id : null },
      }),
    );
    await this.#keep(id, incoming.bytes);
    return result;
  }

  async #run(loaded: LoadedVersion, image: RgbImage) {
    return loaded.model.run(imageToTensor(image, loaded.model.manifest.input as ImageInput).data);
  }

  #count(r: InspectionResult): void {
    const s = this.stats;
    s.inspected++;
    if (r.verdict === 'reject') {
      s.rejected++;
      s.byDefect[r.defect!] = (s.byDefect[r.defect!] ?? 0) + 1;
    }
    if (r.truth !== undefined) {
      const predicted = r.verdict === 'reject' ? r.defect! : 'ok';
      const row = (s.confusion[r.truth] ??= {});
      row[predicted] = (row[predicted] ?? 0) + 1;
    }
  }

  async #keep(id: string, bytes: Uint8Array): Promise<void> {
    if (this.config.keepImages === 0) return;
    const file = `${id}.${imageFormat(bytes) ?? 'png'}`;
    try {
      await writeFile(path.join(this.#dir, file), bytes);
      this.#kept.push(file);
      await this.#trim();
    } catch (err) {
      this.#lastError = `cannot keep image ${file}: ${errorMessage(err)}`;
    }
  }

  async #trim(): Promise<void> {
    while (this.#kept.length > this.config.keepImages) await unlink(path.join(this.#dir, this.#kept.shift()!)).catch(() => undefined);
  }
}

function byTime(a: string, b: string): number {
  const [, ta = '0', na = '0'] = a.split('.')[0]!.split('_').slice(-3);
  const [, tb = '0', nb = '0'] = b.split('.')[0]!.split('_').slice(-3);
  return Number(ta) - Number(tb) || Number(na) - Number(nb);
}
