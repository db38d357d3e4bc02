import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from './kustomize-render.js';

/** kubectl's own kustomize, when this machine has kubectl: the reference our renderer must match. */
export function kubectlKustomize(dir: string): K8sObject[] | null {
  try {
    const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export const byKey = (objs: K8sObject[]) =>
  Object.fromEntries(objs.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));

