export type HealthState = 'starting' | 'up' | 'degraded' | 'down' | 'stopped';

/** What every long-running part reports; the supervisor and /readyz read it. */
export interface ComponentHealth {
  state: HealthState;
  /** Epoch ms of the last state change. */
  since: number;
  message?: string;
  restarts?: number;
  details?: Record<string, unknown>;
}
