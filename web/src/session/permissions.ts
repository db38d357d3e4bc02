import type { Role } from '../api/types.js';

const ORDER: readonly Role[] = ['viewer', 'operator', 'engineer', 'admin'];

/** True when `have` grants at least `need` (viewer < operator < engineer < admin), as the node checks it. */
export function roleAtLeast(have: Role | undefined, need: Role): boolean {
  return have !== undefined && ORDER.indexOf(have) >= ORDER.indexOf(need);
}

/** What each action needs; the node enforces the same, the page only hides what would be refused. */
export const ACTIONS = {
  acknowledgeAlarm: 'operator',
  shelveAlarm: 'operator',
  editSpcLimits: 'engineer',
  injectFault: 'engineer',
  writeSetpoint: 'operator',
  trustCertificate: 'engineer',
  manageTokens: 'admin',
} as const satisfies Record<string, Role>;

export type Action = keyof typeof ACTIONS;
