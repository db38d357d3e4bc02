import type { Resource } from '../api/use-resource.js';
import type { ComponentChildren } from 'preact';

/** What a panel says when its capability is missing on this node, or its data failed to load. */
export function ResourceState({ resource, capability, children }: { resource: Resource<unknown>; capability: string; children?: ComponentChildren }) {
  if (resource.status === 'absent') {
    return (
      <p class="notice" data-state="not-enabled">
        {capability} is not enabled on this node. {children}
      </p>
    );
  }
  if (resource.status === 'error' && resource.data === undefined) {
    return (
      <p class="notice error" role="alert">
        Could not load {capability.toLowerCase()}: {resource.error.message}
      </p>
    );
  }
  if (resource.status === 'loading') return <p class="muted" aria-busy="true">Loading…</p>;
  return null;
}

/** True when the resource has data to show (possibly stale after a failed refresh). */
export function hasData<T>(r: Resource<T>): r is Resource<T> & { data: T } {
  return r.data !== undefined;
}
