import { FabrikError } from '../core/index.js';

/** Stable codes of KPI errors. */
export const KpiErrorCode = {
  QueryFailed: 'KPI_QUERY_FAILED',
} as const;
export type KpiErrorCode = (typeof KpiErrorCode)[keyof typeof KpiErrorCode];

/** Computing KPIs failed; the message says which step and what to do. */
export class KpiError extends FabrikError {
  declare readonly code: KpiErrorCode;
  constructor(code: KpiErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'KpiError';
  }
}
