import { readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { parseAllDocuments as parseYaml11 } from 'yaml';

/** Kubernetes reads manifests as YAML 1.1 (sigs.k8s.io/yaml): `0440` is octal, `yes` is true. */
const parseAllDocuments = (text: string) => parseYaml11(text, { version: '1.1' });
import { applyJsonPatch, isJsonPatch, type JsonPatchOp } from './json-patch.js';
import { strategicMerge } from './strategic-merge.js';

/** A Kubernetes object as rendered. */
export type K8sObject = Record<string, any> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

/**
 * A renderer for the subset of Kustomize that deploy/ uses — resources (files and
 * directories), components, namespace, labels (pairs), images, replicas, patches (strategic
 * merge and JSON 6902, by file or inline, with targets) and configMapGenerator without name
 * hashing. Anything else in a kustomization is refused rather than ignored, so the renderer
 * can never silently differ from `kubectl kustomize`; the tests compare both when kubectl
 * is installed.
 */
const KNOWN = new Set(['apiVersion', 'kind', 'resources', 'components', 'namespace', 'labels', 'images', 'replicas', 'patches', 'configMapGenerator']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass']);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  components?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { path?: string; patch?: string; target?: Target; options?: unknown }[];
  configMapGenerator?: { name: string; files?: string[]; literals?: string[]; behavior?: string; options?: { disableNameSuffixHash?: boolean; labels?: Record<string, string> } }[];
}

interface Target {
  kind?: string;
  name?: string;
  namespace?: string;
  group?: string;
  version?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

function readKustomization(dir: string): Kustomization {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    try {
      const docs = parseAllDocuments(readFileSync(join(dir, name), 'utf8'));
      return (docs[0]?.toJS() ?? {}) as Kustomization;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new Error(`${dir}: no kustomization.yaml`);
}

function readObjects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => {
      if (d.errors.length) throw new Error(`${file}: ${d.errors[0]!.message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** Renders the kustomization in `dir` to its objects. */
export function renderKustomization(dir: string): K8sObject[] {
  const root = resolve(dir);
  const k = readKustomization(root);
  const unknown = Object.keys(k).filter((key) => !KNOWN.has(key));
  if (unknown.length) throw new Error(`${root}: kustomization fields not supported by this renderer: ${unknown.join(', ')}`);
  let objects: K8sObject[] = [];
  for (const r of [...(k.resources ?? []), ...(k.components ?? [])]) {
    if (isAbsolute(r)) throw new Error(`${root}: "${r}" is absolute; kustomize accepts only relative paths`);
  }
  for (const r of k.resources ?? []) {
    const path = resolve(root, r);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readObjects(path)));
  }
  for (const c of k.components ?? []) objects = applyComponent(resolve(root, c), objects);
  objects.push(...generateConfigMaps(root, k));
  return transform(root, k, objects);
}

function applyComponent(dir: string, objects: K8sObject[]): K8sObject[] {
  const k = readKustomization(dir);
  if (k.kind !== 'Component') throw new Error(`${dir}: a component's kustomization must have kind: Component`);
  const unknown = Object.keys(k).filter((key) => !KNOWN.has(key));
  if (unknown.length) throw new Error(`${dir}: component fields not supported by this renderer: ${unknown.join(', ')}`);
  const own = (k.resources ?? []).flatMap((r) => {
    const path = resolve(dir, r);
    return statSync(path).isDirectory() ? renderKustomization(path) : readObjects(path);
  });
  return transform(dir, k, [...objects, ...own, ...generateConfigMaps(dir, k)]);
}

function generateConfigMaps(dir: string, k: Kustomization): K8sObject[] {
  return (k.configMapGenerator ?? []).map((g) => {
    if (g.behavior && g.behavior !== 'create') throw new Error(`${dir}: configMapGenerator behavior "${g.behavior}" is not supported by this renderer`);
    if (g.options?.disableNameSuffixHash !== true) throw new Error(`${dir}: configMapGenerator "${g.name}" needs options.disableNameSuffixHash: true (name hashing is not reproduced by this renderer)`);
    const data: Record<string, string> = {};
    for (const f of g.files ?? []) {
      const [key, path] = f.includes('=') ? (f.split('=', 2) as [string, string]) : [basename(f), f];
      data[key] = readFileSync(join(dir, path), 'utf8');
    }
    for (const l of g.literals ?? []) {
      const at = l.indexOf('=');
      data[l.slice(0, at)] = l.slice(at + 1);
    }
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name, ...(g.options?.labels ? { labels: { ...g.options.labels } } : {}) }, data };
  });
}

function matches(o: K8sObject, t: Target): boolean {
  if (t.labelSelector || t.annotationSelector) throw new Error('patch targets by label or annotation selector are not supported by this renderer');
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return (
    (!t.kind || new RegExp(`^(?:${t.kind})$`).test(o.kind)) &&
    (!t.name || new RegExp(`^(?:${t.name})$`).test(o.metadata.name)) &&
    (!t.namespace || o.metadata.namespace === t.namespace) &&
    (t.group === undefined || t.group === group) &&
    (!t.version || t.version === version)
  );
}

function transform(dir: string, k: Kustomization, input: K8sObject[]): K8sObject[] {
  let objects = input.map((o) => structuredClone(o));
  for (const p of k.patches ?? []) {
    if (p.options) throw new Error(`${dir}: patch options are not supported by this renderer`);
    const text = p.path ? readFileSync(join(dir, p.path), 'utf8') : p.patch;
    if (!text) throw new Error(`${dir}: a patch needs path or patch`);
    const docs = parseAllDocuments(text).map((d) => d.toJS() as unknown);
    if (docs.length === 1 && isJsonPatch(docs[0])) {
      if (!p.target) throw new Error(`${dir}: a JSON 6902 patch needs a target`);
      const targets = objects.filter((o) => matches(o, p.target!));
      if (targets.length === 0) throw new Error(`${dir}: patch target ${JSON.stringify(p.target)} matches nothing`);
      objects = objects.map((o) => (targets.includes(o) ? (applyJsonPatch(o, docs[0] as JsonPatchOp[]) as K8sObject) : o));
      continue;
    }
    for (const doc of docs as K8sObject[]) {
      const selector: Target = p.target ?? { kind: doc.kind, name: doc.metadata?.name, ...(doc.metadata?.namespace ? { namespace: doc.metadata.namespace } : {}) };
      const targets = objects.filter((o) => matches(o, selector));
      if (targets.length === 0) throw new Error(`${dir}: strategic merge patch for ${doc.kind}/${doc.metadata?.name} matches nothing`);
      objects = objects.map((o) => {
        if (!targets.includes(o)) return o;
        const patch = p.target ? { ...doc, metadata: { ...doc.metadata, name: o.metadata.name } } : doc;
        return strategicMerge(o, patch) as K8sObject;
      });
    }
  }
  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  for (const l of k.labels ?? []) {
    if (l.includeSelectors || l.includeTemplates) throw new Error(`${dir}: labels with includeSelectors/includeTemplates are not supported by this renderer`);
    for (const o of objects) o.metadata.labels = { ...(o.metadata.labels ?? {}), ...l.pairs };
  }
  for (const r of k.replicas ?? []) {
    for (const o of objects) if (o.metadata.name === r.name && WORKLOADS.has(o.kind) && o.kind !== 'Pod') o.spec = { ...o.spec, replicas: r.count };
  }
  for (const img of k.images ?? []) for (const o of objects) setImages(o, img);
  return objects;
}

function setImages(o: K8sObject, img: NonNullable<Kustomization['images']>[number]): void {
  if (!WORKLOADS.has(o.kind)) return;
  const pod = o.kind === 'Pod' ? o.spec : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
  for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])] as { image?: string }[]) {
    if (!c.image) continue;
    const m = /^(.*?)(?::([^:/@]+))?(?:@(.+))?$/.exec(c.image)!;
    if (m[1] !== img.name) continue;
    const name = img.newName ?? m[1];
    c.image = img.digest ? `${name}@${img.digest}` : `${name}${img.newTag ? `:${img.newTag}` : m[2] ? `:${m[2]}` : ''}`;
  }
}
