import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyJsonPatch } from './json-patch.js';
import { byKey, kubectlKustomize } from './kubectl-kustomize.js';
import { renderKustomization } from './kustomize-render.js';
import { strategicMerge } from './strategic-merge.js';

const root = mkdtempSync(join(tmpdir(), 'fabrik-kustomize-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('kustomize renderer', () => {
  write(
    'base/kustomization.yaml',
    'namespace: plant\nlabels:\n  - pairs: { team: ot }\nresources: [app.yaml]\nimages:\n  - { name: app, newName: reg.example/app, newTag: "2.0" }\nconfigMapGenerator:\n  - name: cfg\n    files: [settings.txt, renamed.txt=other.txt]\n    literals: [mode=lab]\n    options: { disableNameSuffixHash: true }\n',
  );
  write('base/settings.txt', 'a=1\n');
  write('base/other.txt', 'b=2\n');
  write(
    'base/app.yaml',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec:\n  replicas: 1\n  selector: { matchLabels: { app: a } }\n  template:\n    metadata: { labels: { app: a } }\n    spec:\n      containers:\n        - name: main\n          image: app:1.0\n          env: [{ name: A, value: "1" }, { name: B, value: "2" }]\n          ports: [{ containerPort: 80 }]\n          volumeMounts: [{ name: v, mountPath: /v }]\n        - { name: side, image: busybox:1 }\n      volumes: [{ name: v, emptyDir: {} }]\n---\napiVersion: v1\nkind: Service\nmetadata: { name: app }\nspec:\n  selector: { app: a }\n  ports: [{ name: http, port: 80, targetPort: 80 }]\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: plant }\n',
  );
  write(
    'overlay/kustomization.yaml',
    'resources: [../base]\ncomponents: [../comp]\nreplicas: [{ name: app, count: 3 }]\npatches:\n  - path: smp.yaml\n  - target: { kind: Service, name: app }\n    patch: |-\n      - op: add\n        path: /spec/ports/-\n        value: { name: https, port: 443, targetPort: 443 }\n      - op: replace\n        path: /spec/selector/app\n        value: b\n',
  );
  write(
    'overlay/smp.yaml',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec:\n  template:\n    spec:\n      containers:\n        - name: main\n          env: [{ name: B, value: "20" }, { name: C, value: "3" }]\n          volumeMounts: [{ name: w, mountPath: /w }]\n      volumes: [{ name: w, emptyDir: {} }]\n      tolerations: [{ key: k, operator: Exists }]\n',
  );
  write('comp/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: host.yaml\n');
  write('comp/host.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec:\n  template:\n    spec:\n      hostNetwork: true\n');

  it('applies resources, namespace, labels, images, generators, components, replicas and both patch kinds', () => {
    const objs = byKey(renderKustomization(join(root, 'overlay')));
    const app = objs['Deployment/plant/app']!;
    expect(app.metadata.labels).toEqual({ team: 'ot' });
    expect(app.spec.replicas).toBe(3);
    const main = app.spec.template.spec.containers[0];
    expect(main.image).toBe('reg.example/app:2.0');
    // Merged lists put the patch's items first, as the API server does.
    expect(main.env).toEqual([{ name: 'B', value: '20' }, { name: 'C', value: '3' }, { name: 'A', value: '1' }]);
    expect(main.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(['/w', '/v']);
    expect(app.spec.template.spec.containers[1].image).toBe('busybox:1');
    expect(app.spec.template.spec.hostNetwork).toBe(true);
    expect(objs['Service/plant/app']!.spec.ports.map((p: { port: number }) => p.port)).toEqual([80, 443]);
    expect(objs['Service/plant/app']!.spec.selector).toEqual({ app: 'b' });
    expect(objs['ConfigMap/plant/cfg']!.data).toEqual({ 'settings.txt': 'a=1\n', 'renamed.txt': 'b=2\n', mode: 'lab' });
    expect(objs['Namespace//plant']).toBeDefined();
  });

  it('matches kubectl kustomize on the same tree (when kubectl is installed)', (ctx) => {
    const reference = kubectlKustomize(join(root, 'overlay'));
    if (!reference) return ctx.skip();
    expect(byKey(renderKustomization(join(root, 'overlay')))).toEqual(byKey(reference));
  });

  it('refuses features it does not implement instead of ignoring them', () => {
    write('bad/kustomization.yaml', 'resources: []\nnamePrefix: x-\n');
    expect(() => renderKustomization(join(root, 'bad'))).toThrow(/not supported by this renderer: namePrefix/);
    write('hash/kustomization.yaml', 'configMapGenerator:\n  - { name: c, literals: [a=b] }\n');
    expect(() => renderKustomization(join(root, 'hash'))).toThrow(/disableNameSuffixHash/);
  });
});

describe('patch primitives', () => {
  it('strategic merge: maps merge, null deletes, keyed lists merge, other lists are replaced', () => {
    const merged = strategicMerge({ a: { b: 1, c: 2 }, args: ['x'], containers: [{ name: 'm', image: 'i' }] }, { a: { c: null, d: 3 }, args: ['y'], containers: [{ name: 'm', image: 'j' }, { name: 'n' }] });
    expect(merged).toEqual({ a: { b: 1, d: 3 }, args: ['y'], containers: [{ name: 'm', image: 'j' }, { name: 'n' }] });
    expect(strategicMerge({ env: [{ name: 'A' }, { name: 'B', value: '1' }] }, { env: [{ name: 'C' }, { name: 'B', value: '2' }] })).toEqual({ env: [{ name: 'C' }, { name: 'B', value: '2' }, { name: 'A' }] });
    expect(() => strategicMerge({}, { $patch: 'delete' })).toThrow(/not supported/);
  });

  it('JSON 6902: add, replace, remove, test, move, copy; a failed test or missing path throws', () => {
    const doc = { a: [1, 2], b: { c: 1 } };
    expect(applyJsonPatch(doc, [{ op: 'add', path: '/a/-', value: 3 }, { op: 'replace', path: '/b/c', value: 2 }, { op: 'copy', from: '/b', path: '/d' }, { op: 'move', from: '/d/c', path: '/e' }, { op: 'remove', path: '/a/0' }, { op: 'test', path: '/e', value: 2 }])).toEqual({ a: [2, 3], b: { c: 2 }, d: {}, e: 2 });
    expect(doc).toEqual({ a: [1, 2], b: { c: 1 } });
    expect(() => applyJsonPatch(doc, [{ op: 'test', path: '/b/c', value: 9 }])).toThrow(/test failed/);
    expect(() => applyJsonPatch(doc, [{ op: 'replace', path: '/x/y', value: 1 }])).toThrow(/does not exist/);
  });
});
