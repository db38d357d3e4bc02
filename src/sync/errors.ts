import { FabrikError } from '../core/index.js';

/** Stable codes of the site's sync. */
export const SyncErrorCode = {
  /** The outbox folder cannot be read or written. */
  OutboxFailed: 'OUTBOX_FAILED',
  /** The outbox is closed. */
  OutboxClosed: 'OUTBOX_CLOSED',
  /** The hub answered with an error or could not be reached. */
  HubUnreachable: 'HUB_UNREACHABLE',
  /** The hub refused the site's credential. */
  HubRefused: 'HUB_REFUSED',
  /** The hub is missing items before the batch and the site no longer has them. */
  SequenceGap: 'SEQUENCE_GAP',
  /** No credentials file and no enrolment token. */
  NotEnrolled: 'SITE_NOT_ENROLLED',
  /** A model from the hub did not match its checksum or could not be installed. */
  ModelRefused: 'MODEL_REFUSED',
} as const;
export type SyncErrorCode = (typeof SyncErrorCode)[keyof typeof SyncErrorCode];

export class SyncError extends FabrikError {
  declare readonly code: SyncErrorCode;
  /** HTTP status of the hub's answer, when there was one. */
  readonly status: number | undefined;
  readonly details: Record<string, unknown>;
  constructor(code: SyncErrorCode, message: string, options?: { cause?: unknown; status?: number; details?: Record<string, unknown> }) {
    super(code, message, options);
    this.name = 'SyncError';
    this.status = options?.status;
    this.details = options?.details ?? {};
  }
}
