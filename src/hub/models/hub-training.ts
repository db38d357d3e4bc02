import { createHash } from 'node:crypto';
import { modelName } from '../../inference/index.js';
import { trainIsolationForest, trainPca, TrainingError, type TrainKind } from '../training/index.js';
import { HubError, HubErrorCode } from '../errors.js';
import type { HubDatabase } from '../hub-database.js';
import { readSyncedTable, type SyncedTableRequest } from './synced-table.js';

/** One training job on the hub's synced data. */
export interface HubTrainRequest extends SyncedTableRequest {
  kind: TrainKind;
  /** Model name (default "<site>-<kind>"). */
  name?: string;
  seed?: number;
  /** Who asked, for the model's record. */
  createdBy: string;
  onProgress?: (message: string) => void;
}

/** A model version stored on the hub. */
export interface HubModelVersion {
  name: string;
  version: number;
  kind: TrainKind;
  sha256: string;
  bytes: number;
  metrics: Record<string, unknown>;
  source: { siteId: string; tags: string[]; from: number; to: number; data: 'raw' | 'rollup'; window: string; rows: number };
}

/**
 * Trains a model on one site's data as synced to the hub (only what the
 * site's sync policy released) and stores it as the next version of its
 * name: the ONNX bytes (manifest inside), their SHA-256 and the held-out
 * metrics.
 */
export async function trainOnHub(db: HubDatabase, req: HubTrainRequest): Promise<HubModelVersion> {
  if (req.kind === 'image-classifier') {
    throw new HubError(HubErrorCode.BadRequest, 'inspection pictures stay on the site (sync carries no images), so the hub cannot train an image classifier; train it with "fabrik train --kind image-classifier --from-csv" where the pictures are');
  }
  const name = req.name ?? `${req.siteId}-${req.kind}`;
  const named = modelName.safeParse(name);
  if (!named.success) throw new HubError(HubErrorCode.BadRequest, `model name "${name}": ${named.error.issues[0]?.message}`);
  const say = req.onProgress ?? (() => {});
  const data = await readSyncedTable(db, req);
  say(`read ${data.table.rows.length} rows of ${req.tags.length} tags from the synced ${data.source === 'raw' ? `raw samples (${data.window} windows)` : '1-minute rollups'} of site ${req.siteId}`);
  const opts = { name, seed: req.seed ?? 1, window: data.window, description: `${req.kind === 'pca' ? 'PCA' : 'Isolation forest'} trained on the hub from site ${req.siteId}'s ${data.source} data, ${new Date(req.from).toISOString()} to ${new Date(req.to).toISOString()}` };
  let model;
  try {
    model = req.kind === 'pca' ? trainPca(data.table, opts) : trainIsolationForest(data.table, opts);
  } catch (err) {
    if (err instanceof TrainingError) throw new HubError(HubErrorCode.BadRequest, `training failed: ${err.message}`, { cause: err, details: { trainingCode: err.code } });
    throw err;
  }
  const sha256 = createHash('sha256').update(model.onnx).digest('hex');
  const source = { siteId: req.siteId, tags: req.tags, from: req.from, to: req.to, data: data.source, window: data.window, rows: data.table.rows.length };
  const version = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`hub_models:${name}`]);
    const latest = Number((await tx.query<{ v: number | null }>('SELECT max(version) AS v FROM hub_models WHERE name = $1', [name])).rows[0]?.v ?? 0);
    await tx.query(
      'INSERT INTO hub_models (name, version, kind, sha256, onnx, manifest, metrics, source, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [name, latest + 1, req.kind, sha256, Buffer.from(model.onnx), JSON.stringify(model.manifest), JSON.stringify(model.metrics), JSON.stringify(source), req.createdBy],
    );
    return latest + 1;
  });
  return { name, version, kind: req.kind, sha256, bytes: model.onnx.length, metrics: model.metrics, source };
}
