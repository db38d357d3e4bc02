import { FabrikError } from '../core/index.js';

/** Stable codes of alarm errors; the API maps them to HTTP statuses. */
export const AlarmErrorCode = {
  NotFound: 'ALARM_NOT_FOUND',
  AlreadyAcknowledged: 'ALARM_ALREADY_ACKNOWLEDGED',
  NotShelved: 'ALARM_NOT_SHELVED',
  ShelveTooLong: 'ALARM_SHELVE_TOO_LONG',
} as const;
export type AlarmErrorCode = (typeof AlarmErrorCode)[keyof typeof AlarmErrorCode];

/** An operator action on an alarm that cannot be done. */
export class AlarmError extends FabrikError {
  declare readonly code: AlarmErrorCode;
  constructor(code: AlarmErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'AlarmError';
  }

  static is(err: unknown): err is AlarmError {
    return err instanceof AlarmError;
  }
}
