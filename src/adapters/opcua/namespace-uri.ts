const NSU = /^nsu=([^;]+);(.+)$/s;

/** Whether a configured NodeId names its namespace by URI (`nsu=<uri>;s=...`). */
export function namesNamespaceUri(nodeId: string): boolean {
  return NSU.test(nodeId);
}

/**
 * Rewrites `nsu=<uri>;<id>` into `ns=<index>;<id>` with the server's
 * NamespaceArray, so a binding survives a server that renumbers its
 * namespaces. Other forms pass unchanged; null when the server has no such namespace.
 */
export function resolveNamespaceUri(nodeId: string, namespaceArray: readonly string[]): string | null {
  const m = NSU.exec(nodeId);
  if (!m) return nodeId;
  const index = namespaceArray.indexOf(m[1]!);
  return index < 0 ? null : `ns=${index};${m[2]!}`;
}
