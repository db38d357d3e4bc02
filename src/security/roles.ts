import { ROLES, type Role } from '../config/index.js';

export { ROLES, type Role };

/** True when `have` grants at least what `need` requires (viewer < operator < engineer < admin). */
export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** Narrows an arbitrary string to a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
