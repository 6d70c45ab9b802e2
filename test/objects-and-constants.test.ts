// lib/renderings/objects.ts, lib/renderings/deletion-guardrail.ts and lib/model/values-ajv.ts by
// upstream facts: the kinds the library emits are those of the Kubernetes API (core v1,
// rbac.authorization.k8s.io/v1, apiextensions.k8s.io/v1), of the Flux CRDs of
// releases/v1.6.2/crds/flux and of the cozystack.io CRDs of
// releases/v1.6.2/upstream/internal/crdinstall/manifests, at a served version; the guardrail's
// names are those of the v1.6.0 render (releases/v1.6.0/renders/isp-full.layers-off); Flux's
// prune opt-out is the kustomize-controller annotation `kustomize.toolkit.fluxcd.io/prune:
// disabled`. The ajv options are the ones lib/model/values-ajv.ts documents.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { LIBRARY_OBJECTS } from '../lib/core/library-objects.js';
import { createValuesAjv, VALUES_AJV_OPTIONS } from '../lib/model/values-ajv.js';
import { GUARDRAIL_NAME, NO_DELETE_LABEL, PRUNE_DISABLED } from '../lib/renderings/deletion-guardrail.js';
import { addObject, GVK } from '../lib/renderings/objects.js';

const ROOT = join(import.meta.dirname, '..', 'releases');
type Crd = { spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] } };
const crd = (path: string): Crd => parseAllDocuments(readFileSync(join(ROOT, path), 'utf8')).map((d) => d.toJS() as Crd).find((o) => o?.spec?.names)!;
const served = (c: Crd): string[] => c.spec.versions.filter((v) => v.served).map((v) => `${c.spec.group}/${v.name}`);

describe('the kinds the library emits', () => {
  it('core and RBAC kinds at their Kubernetes API versions', () => {
    for (const k of ['Namespace', 'Secret', 'ConfigMap', 'ServiceAccount', 'ResourceQuota', 'LimitRange'] as const) expect(GVK[k], k).toEqual({ apiVersion: 'v1', kind: k });
    for (const k of ['Role', 'RoleBinding', 'ClusterRoleBinding'] as const) expect(GVK[k], k).toEqual({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: k });
    expect(GVK.CustomResourceDefinition).toEqual({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' });
    // Cilium's policy kind as the v1.6.2 tenant renders carry it.
    expect(readFileSync(join(ROOT, 'v1.6.2', 'tenant-renders', 'oidc', 'tenant-root.rendered.yaml'), 'utf8')).toContain('apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy');
    expect(GVK.CiliumNetworkPolicy).toEqual({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy' });
  });

  it('Flux and cozystack.io kinds at a version their v1.6.2 CRDs serve', () => {
    const cases: [keyof typeof GVK, string][] = [
      ['HelmRelease', 'crds/flux/helm.toolkit.fluxcd.io_helmreleases.yaml'],
      ['OCIRepository', 'crds/flux/source.toolkit.fluxcd.io_ocirepositories.yaml'],
      ['GitRepository', 'crds/flux/source.toolkit.fluxcd.io_gitrepositories.yaml'],
      ['ArtifactGenerator', 'crds/flux/source.extensions.fluxcd.io_artifactgenerators.yaml'],
      ['Kustomization', 'crds/flux/kustomize.toolkit.fluxcd.io_kustomizations.yaml'],
      ['PackageSource', 'upstream/internal/crdinstall/manifests/cozystack.io_packagesources.yaml'],
      ['Package', 'upstream/internal/crdinstall/manifests/cozystack.io_packages.yaml'],
    ];
    for (const [k, file] of cases) {
      const c = crd(join('v1.6.2', file));
      expect(GVK[k].kind, k).toBe(c.spec.names.kind);
      expect(served(c), k).toContain(GVK[k].apiVersion);
    }
  });
});

describe('addObject', () => {
  it('adds a library object with the given metadata and body, its id from kind, namespace and name', () => {
    const chart = new Chart(new App(), 'c');
    const labels = { a: 'b' };
    const o = addObject(chart, GVK.ConfigMap, { name: 'x', namespace: 'ns', labels }, { data: { k: 'v' } });
    const cluster = addObject(chart, GVK.Namespace, { name: 'x' });
    expect(o.node.id).toBe('ConfigMap:ns:x');
    expect(cluster.node.id).toBe('Namespace::x');
    expect(o.toJson()).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'ns', labels: { a: 'b' } }, data: { k: 'v' } });
    expect(cluster.toJson()).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
    expect(LIBRARY_OBJECTS.has(o) && LIBRARY_OBJECTS.has(cluster)).toBe(true);
    // Each object appears once per scope: the same kind, namespace and name again is refused.
    expect(() => addObject(chart, GVK.ConfigMap, { name: 'x', namespace: 'ns' })).toThrow(/ConfigMap:ns:x/);
    expect(() => addObject(chart, GVK.ConfigMap, { name: 'x', namespace: 'other' })).not.toThrow();
  });
});

describe('the deletion guardrail names', () => {
  it('are the upstream ones', () => {
    const render = readFileSync(join(ROOT, 'v1.6.0', 'renders', 'isp-full.layers-off', 'rendered.yaml'), 'utf8');
    expect(GUARDRAIL_NAME).toBe('cozystack-no-delete-guardrail');
    expect(render).toContain(`name: ${GUARDRAIL_NAME}`);
    expect(NO_DELETE_LABEL).toBe('platform.cozystack.io/no-delete');
    expect(render).toContain(NO_DELETE_LABEL);
    expect(PRUNE_DISABLED).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });
});

describe('the ajv of app values', () => {
  it('has the documented options', () => {
    expect(VALUES_AJV_OPTIONS).toEqual({ strict: false, allErrors: true, verbose: true, validateSchema: false, code: { optimize: false } });
  });

  it('checks formats, reports every error with its data and schema, and takes no meta-validation', () => {
    const ajv = createValuesAjv();
    const validate = ajv.compile({ type: 'object', properties: { mail: { type: 'string', format: 'email' }, n: { type: 'integer' } }, unknownKeyword: true });
    expect(validate({ mail: 'a@example.org', n: 1 })).toBe(true);
    expect(validate({ mail: 'not a mail', n: 'x' })).toBe(false);
    expect(validate.errors?.map((e) => [e.instancePath, e.keyword, e.data])).toEqual([['/mail', 'format', 'not a mail'], ['/n', 'type', 'x']]);
    expect(validate.errors?.[0]?.parentSchema).toEqual({ type: 'string', format: 'email' });
    // validateSchema: false: a schema of an unknown meta-schema compiles (the default ajv refuses it).
    const foreign = { $schema: 'https://example.org/unknown-meta-schema', type: 'object' };
    expect(() => ajv.compile(foreign)).not.toThrow();
  });

  it('adds code options to the defaults', () => {
    const ajv = createValuesAjv({ source: true });
    // ajv keeps `optimize` as a number of passes: false is 0.
    expect(ajv.opts.code).toMatchObject({ optimize: 0, source: true });
    expect(createValuesAjv().opts.code).toMatchObject({ optimize: 0 });
    expect(createValuesAjv().opts.code.source).toBeUndefined();
    expect(createValuesAjv({ optimize: 1 }).opts.code).toMatchObject({ optimize: 1 });
    expect(ajv.opts).toMatchObject({ strict: false, allErrors: true, verbose: true, validateSchema: false });
  });
});
