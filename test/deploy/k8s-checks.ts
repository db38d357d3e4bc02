// Checks of rendered Kubernetes objects: the OpenAPI schema (kubernetes-models), unknown
// fields (which kubernetes-models accepts: walked against the generated model attribute
// maps of @kubernetes/client-node), and the Pod Security "restricted" profile by code.
import * as models from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { Namespace, ServiceAccount, Service, ConfigMap } from 'kubernetes-models/v1';
import { StatefulSet, Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { K8sObject } from './kustomize-render.js';

const MODELS: Record<string, new (o: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'apps/v1/StatefulSet': StatefulSet,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

/** Validates against the Kubernetes OpenAPI schema; throws naming the object and the problem. */
export function validateSchema(o: K8sObject): void {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) throw new Error(`${o.kind}/${o.metadata.name}: no schema for ${o.apiVersion} ${o.kind} in this test`);
  try {
    new Model(o).validate();
  } catch (err) {
    throw new Error(`${o.kind}/${o.metadata.name}: ${(err as Error).message}`);
  }
}

type AttributeMap = { name: string; baseName: string; type: string }[];
const typeMap = models as unknown as Record<string, { getAttributeTypeMap?(): AttributeMap } | undefined>;
const SCALARS = new Set(['string', 'number', 'boolean', 'Date', 'any', 'object', 'IntOrString', 'RFC3339']);

/** Every field path that the Kubernetes API does not know (`spec.template.spec.containers[0].imagePullPolcy`...). */
export function unknownFields(o: K8sObject): string[] {
  const found: string[] = [];
  walk(o, `V1${o.kind}`, o.kind, found);
  return found;
}

function walk(value: unknown, type: string, path: string, found: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, array[1]!, `${path}[${i}]`, found));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    for (const [k, v] of Object.entries(value as object)) walk(v, map[1]!, `${path}.${k}`, found);
    return;
  }
  if (SCALARS.has(type)) return;
  const model = typeMap[type];
  if (!model?.getAttributeTypeMap) throw new Error(`no model ${type} for ${path}`);
  const attrs = model.getAttributeTypeMap();
  for (const [k, v] of Object.entries(value as object)) {
    const attr = attrs.find((a) => a.baseName === k);
    if (!attr) found.push(`${path}.${k}`);
    else walk(v, attr.type, `${path}.${k}`, found);
  }
}

/** The pod spec of a workload object, or undefined. */
export function podSpecOf(o: K8sObject): any {
  if (o.kind === 'Pod') return o.spec;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  return o.spec?.template?.spec;
}

const ALLOWED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret', 'name']);

/**
 * Problems of a pod spec under the Pod Security Standard "restricted" (v1.2x), plus our own
 * hardening rules (read-only root, no service account token). `allowHostNetwork` is for the
 * host-network component, whose namespace enforces "privileged" for that one reason.
 */
export function restrictedProblems(pod: any, opts: { allowHostNetwork?: boolean } = {}): string[] {
  const p: string[] = [];
  if (pod.hostNetwork && !opts.allowHostNetwork) p.push('hostNetwork is a host namespace');
  if (pod.hostPID || pod.hostIPC) p.push('hostPID/hostIPC are host namespaces');
  if (pod.automountServiceAccountToken !== false) p.push('automountServiceAccountToken must be false');
  const podSc = pod.securityContext ?? {};
  for (const v of pod.volumes ?? []) {
    const kinds = Object.keys(v).filter((k) => !ALLOWED_VOLUMES.has(k));
    if (kinds.length) p.push(`volume ${v.name} uses ${kinds.join(', ')}`);
  }
  if (podSc.runAsUser === 0) p.push('pod runs as user 0');
  for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged) p.push(`${where} is privileged`);
    if (sc.allowPrivilegeEscalation !== false) p.push(`${where}: allowPrivilegeEscalation must be false`);
    if (!(sc.runAsNonRoot ?? podSc.runAsNonRoot)) p.push(`${where}: runAsNonRoot must be true`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) p.push(`${where} runs as user 0`);
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') p.push(`${where}: seccompProfile must be RuntimeDefault or Localhost`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) p.push(`${where}: capabilities must drop ALL`);
    const added = (sc.capabilities?.add ?? []).filter((a: string) => a !== 'NET_BIND_SERVICE');
    if (added.length) p.push(`${where} adds capabilities ${added.join(', ')}`);
    if (sc.readOnlyRootFilesystem !== true) p.push(`${where}: readOnlyRootFilesystem must be true`);
    for (const port of c.ports ?? []) if (port.hostPort) p.push(`${where} uses hostPort ${port.hostPort}`);
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory || !c.resources?.limits?.memory) p.push(`${where}: needs cpu/memory requests and a memory limit`);
  }
  return p;
}

/** Seconds a startup probe allows before the liveness probe takes over. */
export function startupBudgetSeconds(probe: any): number {
  return (probe?.initialDelaySeconds ?? 0) + (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3);
}
