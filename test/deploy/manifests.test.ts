import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSiteConfigText } from '../../src/config/index.js';
import { parseSignedConfig, publicKeyFromPem, verifySignedConfig } from '../../src/security/index.js';
import { podSpecOf, restrictedProblems, startupBudgetSeconds, unknownFields, validateSchema } from './k8s-checks.js';
import { byKey, kubectlKustomize } from './kubectl-kustomize.js';
import { renderKustomization, type K8sObject } from './kustomize-render.js';

// Every overlay of deploy/kubernetes rendered without a cluster and checked: the Kubernetes
// schema, no unknown fields, Pod Security "restricted", probes, budgets, policies, and the
// signed site config the nodes will watch.
const DEPLOY = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));
const OVERLAYS = ['single-node', 'ha-3-node'] as const;
const tmp = mkdtempSync(join(tmpdir(), 'fabrik-overlay-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** single-node plus the host-network component, as a site that needs it would write it. */
function hostNetworkOverlay(): string {
  writeFileSync(join(tmp, 'kustomization.yaml'), `resources: [${relative(tmp, resolve(DEPLOY, 'overlays/single-node'))}]\ncomponents: [${relative(tmp, resolve(DEPLOY, 'components/host-network'))}]\n`);
  return tmp;
}

const rendered: Record<string, K8sObject[]> = Object.fromEntries(OVERLAYS.map((o) => [o, renderKustomization(join(DEPLOY, 'overlays', o))]));
const find = (objs: K8sObject[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name)!;

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const objs = rendered[overlay]!;

  it('renders the same objects as kubectl kustomize (when kubectl is installed)', (ctx) => {
    const reference = kubectlKustomize(join(DEPLOY, 'overlays', overlay));
    if (!reference) return ctx.skip();
    expect(byKey(objs)).toEqual(byKey(reference));
  });

  it('validates every object against the Kubernetes OpenAPI schema, with no unknown fields', () => {
    expect(objs.length).toBeGreaterThan(10);
    for (const o of objs) {
      validateSchema(o);
      expect(unknownFields(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
      if (o.kind !== 'Namespace') expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('fabrik');
    }
  });

  it('meets the restricted Pod Security Standard in every workload, in a namespace that enforces it', () => {
    const ns = find(objs, 'Namespace', 'fabrik');
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const workloads = objs.filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment');
    expect(workloads.map((w) => w.metadata.name).sort()).toEqual(['fabrik-edge', 'fabrik-mqtt']);
    for (const w of workloads) expect(restrictedProblems(podSpecOf(w)), w.metadata.name).toEqual([]);
  });

  it('probes the edge node on /healthz and /readyz, with a startup probe sized for store recovery', () => {
    const edge = find(objs, 'StatefulSet', 'fabrik-edge');
    const c = podSpecOf(edge).containers[0];
    expect(c.startupProbe.httpGet).toMatchObject({ path: '/healthz', scheme: 'HTTPS' });
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(startupBudgetSeconds(c.startupProbe)).toBeGreaterThanOrEqual(300);
    for (const p of [c.startupProbe, c.livenessProbe, c.readinessProbe]) expect(c.ports.map((x: { name: string }) => x.name)).toContain(p.httpGet.port);
    // The store, secrets and OPC UA PKI live on the PVC: the root filesystem is read-only.
    expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/fabrik' });
    expect(edge.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(c.args).toEqual(expect.arrayContaining(['--data-dir=/var/lib/fabrik', '--watch-config', '--enforce-signed']));
    for (const p of [c.livenessProbe, c.readinessProbe]) expect(startupBudgetSeconds(p)).toBeLessThan(120);
  });

  it('lets drains take one pod at a time: a PDB with maxUnavailable 1 for every workload', () => {
    for (const name of ['fabrik-edge', 'fabrik-mqtt']) {
      const pdb = find(objs, 'PodDisruptionBudget', name);
      expect(pdb.spec.maxUnavailable).toBe(1);
      const labels = podSpecOf(find(objs, 'StatefulSet', name)) && find(objs, 'StatefulSet', name).spec.template.metadata.labels;
      expect(labels).toMatchObject(pdb.spec.selector.matchLabels);
    }
  });

  it('denies all traffic by default and allows only the designed flows', () => {
    const policies = objs.filter((o) => o.kind === 'NetworkPolicy');
    const deny = find(objs, 'NetworkPolicy', 'default-deny-all');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const ports = (p: K8sObject, dir: 'ingress' | 'egress') => (p.spec[dir] ?? []).flatMap((r: { ports?: { port: number }[] }) => (r.ports ?? []).map((x) => x.port)).sort((a: number, b: number) => a - b);
    expect(ports(find(objs, 'NetworkPolicy', 'edge-ingress-api'), 'ingress')).toEqual([8443]);
    expect(ports(find(objs, 'NetworkPolicy', 'edge-egress'), 'egress')).toEqual([443, 502, 4840, 8443, 8883, 8883]);
    expect(ports(find(objs, 'NetworkPolicy', 'mqtt-ingress'), 'ingress')).toEqual([8883]);
    expect(ports(find(objs, 'NetworkPolicy', 'allow-dns'), 'egress')).toEqual([53, 53]);
    // Every allow rule names its ports: nothing is opened wholesale.
    for (const p of policies) for (const r of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])]) expect(r.ports?.length, p.metadata.name).toBeGreaterThan(0);
  });

  it('selects real pods from every Service, and keeps service account tokens out of every pod', () => {
    expect(find(objs, 'ServiceAccount', 'fabrik').automountServiceAccountToken).toBe(false);
    for (const svc of objs.filter((o) => o.kind === 'Service')) {
      const target = objs.find((o) => o.kind === 'StatefulSet' && Object.entries(svc.spec.selector).every(([k, v]) => o.spec.template.metadata.labels[k] === v));
      expect(target, svc.metadata.name).toBeDefined();
      const portNames = podSpecOf(target!).containers.flatMap((c: { ports: { name: string }[] }) => c.ports.map((p) => p.name));
      for (const p of svc.spec.ports) expect(portNames).toContain(p.targetPort);
    }
  });

  it('ships a site config signed by the key the nodes trust, with TLS required', () => {
    const site = find(objs, 'ConfigMap', 'fabrik-site-config').data['site.signed.yaml'];
    const trust = find(objs, 'ConfigMap', 'fabrik-trust').data['config-signing.pub'];
    const signed = parseSignedConfig(site);
    expect(verifySignedConfig(signed, [publicKeyFromPem(trust, 'fabrik-trust')]).keyId).toBe(signed.keyId);
    const config = parseSiteConfigText(signed.document);
    expect(config.security.tls).toBe('required');
    const volumes = podSpecOf(find(objs, 'StatefulSet', 'fabrik-edge')).volumes.map((v: { configMap?: { name: string } }) => v.configMap?.name).filter(Boolean);
    for (const name of volumes) expect(objs.some((o) => o.kind === 'ConfigMap' && o.metadata.name === name), name).toBe(true);
  });
});

describe('overlay specifics', () => {
  it('ha-3-node runs three edge nodes, one per Talos node, on local storage, with narrowed egress', () => {
    const objs = rendered['ha-3-node']!;
    const edge = find(objs, 'StatefulSet', 'fabrik-edge');
    expect(edge.spec.replicas).toBe(3);
    expect(edge.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(edge.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('local-path');
    const cidrs = find(objs, 'NetworkPolicy', 'edge-egress').spec.egress.flatMap((r: { to: { ipBlock?: { cidr: string } }[] }) => r.to.map((t) => t.ipBlock?.cidr)).filter(Boolean);
    expect(cidrs).not.toContain('0.0.0.0/0');
  });

  it('single-node exposes the API on a node port', () => {
    expect(find(rendered['single-node']!, 'Service', 'fabrik-api').spec).toMatchObject({ type: 'NodePort', ports: [{ nodePort: 30443 }] });
  });

  it('the host-network component shares only the host network, keeps every other restricted rule, and says so on the namespace', () => {
    const objs = renderKustomization(hostNetworkOverlay());
    const pod = podSpecOf(find(objs, 'StatefulSet', 'fabrik-edge'));
    expect(pod).toMatchObject({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' });
    expect(restrictedProblems(pod)).toEqual(['hostNetwork is a host namespace']);
    expect(restrictedProblems(pod, { allowHostNetwork: true })).toEqual([]);
    expect(find(objs, 'Namespace', 'fabrik').metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'restricted' });
    const reference = kubectlKustomize(hostNetworkOverlay());
    if (reference) expect(byKey(objs)).toEqual(byKey(reference));
  });

  it('the checks catch what they claim to: an unknown field, a root container, a missing drop ALL', () => {
    const edge = structuredClone(find(rendered['single-node']!, 'StatefulSet', 'fabrik-edge'));
    edge.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    expect(unknownFields(edge)).toEqual(['StatefulSet.spec.template.spec.containers[0].imagePullPolcy']);
    const pod = podSpecOf(edge);
    pod.securityContext.runAsUser = 0;
    pod.containers[0].securityContext.capabilities.drop = [];
    expect(restrictedProblems(pod)).toEqual(expect.arrayContaining(['pod runs as user 0', 'container edge: capabilities must drop ALL']));
    edge.spec.replicas = 'three';
    expect(() => validateSchema(edge)).toThrow(/replicas must be integer/);
  });
});

describe('GitOps examples', () => {
  const GITOPS = fileURLToPath(new URL('../../deploy/gitops/', import.meta.url));
  it('point Flux and Argo CD at overlays that exist and render, into the fabrik namespace', async () => {
    const { parseAllDocuments } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const flux = parseAllDocuments(readFileSync(join(GITOPS, 'flux/fabrik-site.yaml'), 'utf8')).map((d) => d.toJS() as K8sObject);
    const fluxKs = flux.find((o) => o.kind === 'Kustomization')!;
    expect(fluxKs.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
    expect(fluxKs.spec).toMatchObject({ prune: true, targetNamespace: 'fabrik', sourceRef: { kind: 'GitRepository', name: 'fabrik-site' } });
    const app = parseAllDocuments(readFileSync(join(GITOPS, 'argocd/fabrik-site.yaml'), 'utf8'))[0]!.toJS() as K8sObject;
    expect(app.spec.destination.namespace).toBe('fabrik');
    for (const path of [fluxKs.spec.path, app.spec.source.path]) {
      expect(renderKustomization(resolve(DEPLOY, '../..', path)).some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'fabrik-site-config')).toBe(true);
    }
  });
});
