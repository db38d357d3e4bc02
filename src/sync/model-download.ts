import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { SyncError, SyncErrorCode } from './errors.js';
import type { TrustedKey } from '../security/index.js';
import type { HubClient } from './hub-client.js';
import { verifyModelStatement } from './model-statement.js';
import type { DesiredModel, SiteContact } from './wire.js';

/** A distributed model, downloaded and checked, for the node to register. */
export interface ModelDelivery extends DesiredModel {
  onnx: Uint8Array;
}

/**
 * Fetches the model versions the hub distributed, checks each against the
 * SHA-256 the hub announced, and hands it to the node to install. A refused
 * version (checksum, load, kind) is remembered and reported on every contact
 * until the hub distributes another; a hub that cannot be reached is not a
 * refusal, so the next contact tries again.
 */
export class ModelDownload {
  readonly #install: (m: ModelDelivery) => Promise<void>;
  readonly #maxBytes: number;
  readonly #logger: Logger;
  readonly #errors = new Map<string, SiteContact['modelErrors'][number]>();

  readonly #trusted: () => readonly TrustedKey[];

  constructor(opts: { install: (m: ModelDelivery) => Promise<void>; maxBytes: number; trusted?: () => readonly TrustedKey[]; logger: Logger }) {
    this.#install = opts.install;
    this.#trusted = opts.trusted ?? (() => []);
    this.#maxBytes = opts.maxBytes;
    this.#logger = opts.logger;
  }

  /** What the site reports as refused. */
  errors(): SiteContact['modelErrors'] {
    return [...this.#errors.values()];
  }

  async deliver(models: DesiredModel[], client: HubClient): Promise<void> {
    for (const m of models) {
      if (this.#errors.get(m.name)?.sha256 === m.sha256) continue;
      try {
        verifyModelStatement(m, this.#trusted());
        if (m.bytes > this.#maxBytes) throw new SyncError(SyncErrorCode.ModelRefused, `model ${m.name} v${m.version} is ${m.bytes} bytes; this site takes at most ${this.#maxBytes} (inference.maxModelBytes)`);
        const onnx = await client.model(m.name, m.version, this.#maxBytes);
        const sha256 = createHash('sha256').update(onnx).digest('hex');
        if (sha256 !== m.sha256) throw new SyncError(SyncErrorCode.ModelRefused, `model ${m.name} v${m.version} arrived with SHA-256 ${sha256}, but the hub announced ${m.sha256}; it was damaged or replaced on the way and is not installed`);
        await this.#install({ ...m, onnx });
        this.#errors.delete(m.name);
        this.#logger.info({ model: m.name, version: m.version, mode: m.mode }, 'model from the hub installed');
      } catch (err) {
        if (err instanceof SyncError && (err.code === SyncErrorCode.HubUnreachable || err.code === SyncErrorCode.NotEnrolled)) throw err;
        const message = (err as Error).message.slice(0, 2000);
        this.#errors.set(m.name, { name: m.name, sha256: m.sha256, message });
        this.#logger.error({ model: m.name, version: m.version, err: message }, 'model from the hub refused');
      }
    }
  }
}
