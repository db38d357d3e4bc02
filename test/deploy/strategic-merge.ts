/**
 * Kubernetes strategic merge patch for the fields our manifests patch: maps merge
 * recursively, null deletes a key, lists with a patch merge key in the Kubernetes API
 * (containers by name, volumeMounts by mountPath, ...) merge item by item, and any other
 * list is replaced, as the API server does. `$patch` directives are refused.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  env: 'name',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
};
/** `ports` merges by containerPort in a container and by port in a Service. */
function mergeKey(key: string, parentPath: string[]): string | undefined {
  if (key === 'ports') return parentPath.at(-1) === 'spec' && parentPath.length === 1 ? 'port' : 'containerPort';
  return MERGE_KEYS[key];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function strategicMerge(target: unknown, patch: unknown, path: string[] = []): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  if ('$patch' in patch || Object.keys(patch).some((k) => k.startsWith('$'))) throw new Error(`strategic merge directives ($patch, $retainKeys, ...) are not supported by this renderer (at ${path.join('.') || '(root)'})`);
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? structuredClone(target as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(patch as Record<string, Json>)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    if (Array.isArray(value)) {
      const mk = mergeKey(key, path);
      const current = out[key];
      if (mk && Array.isArray(current)) {
        // As the API server orders a merged list: the patch's items first, in its order,
        // then the original items the patch did not name, in their order.
        const original = current as Record<string, unknown>[];
        const patched = (value as Record<string, unknown>[]).map((item) => {
          const match = original.find((m) => m?.[mk] === item?.[mk]);
          return match ? (strategicMerge(match, item, [...path, key]) as Record<string, unknown>) : structuredClone(item);
        });
        const named = new Set((value as Record<string, unknown>[]).map((i) => i?.[mk]));
        out[key] = [...patched, ...original.filter((m) => !named.has(m?.[mk])).map((m) => structuredClone(m))];
      } else out[key] = structuredClone(value);
      continue;
    }
    out[key] = typeof value === 'object' ? strategicMerge(out[key], value, [...path, key]) : value;
  }
  return out;
}
