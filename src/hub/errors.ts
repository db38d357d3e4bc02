import { FabrikError } from '../core/index.js';

/** Stable codes of the hub, each with the HTTP status it answers with. */
export const HubErrorCode = {
  AuthRequired: 'AUTH_REQUIRED',
  Forbidden: 'FORBIDDEN',
  BadRequest: 'BAD_REQUEST',
  NotFound: 'NOT_FOUND',
  EnrolmentInvalid: 'ENROLMENT_INVALID',
  SiteExists: 'SITE_EXISTS',
  /** The hub lacks items before the batch; the answer names the sequence it expects. */
  SequenceGap: 'SEQUENCE_GAP',
  ConfigInvalid: 'CONFIG_INVALID',
  DatabaseFailed: 'HUB_DATABASE_FAILED',
} as const;
export type HubErrorCode = (typeof HubErrorCode)[keyof typeof HubErrorCode];

const STATUS: Record<HubErrorCode, number> = {
  AUTH_REQUIRED: 401,
  FORBIDDEN: 403,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  ENROLMENT_INVALID: 403,
  SITE_EXISTS: 409,
  SEQUENCE_GAP: 409,
  CONFIG_INVALID: 400,
  HUB_DATABASE_FAILED: 503,
};

export class HubError extends FabrikError {
  declare readonly code: HubErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: HubErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(code, message, options);
    this.name = 'HubError';
    this.details = options?.details ?? {};
  }

  get status(): number {
    return STATUS[this.code];
  }
}
