export { kpiSchema, lineKpiSchema, kpiConfigIssues, type KpiConfig, type LineKpiConfig, type KpiConfigIssue } from './kpi-schema.js';
export { computeOee, type OeeInput, type OeeResult, type StateDurations } from './oee.js';
export { lineKpis, stateTimeSql, counterIncreaseSql, type KpiQuery, type KpiSite, type LineKpi } from './line-kpis.js';
export { currentShift } from './shift-window.js';
export { KpiError, KpiErrorCode } from './errors.js';
