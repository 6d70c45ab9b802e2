// What the upstream operator makes of Packages (lib/model/package-sources.ts), on the real
// PackageSources of v1.6.2 (releases/v1.6.2/upstream/packages/core/platform/sources/). The
// expectations are the operator's rules (upstream internal/operator/package_reconciler.go) applied
// by hand to those files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { expandPackages, type PackageSourceComponent, type PackageSourceSpec, type PackageSourceVariant } from '../lib/model/package-sources.js';

const DIR = join(import.meta.dirname, '..', 'releases', 'v1.6.2', 'upstream', 'packages', 'core', 'platform', 'sources');
const SOURCES = new Map<string, PackageSourceSpec>();
for (const f of readdirSync(DIR).sort()) {
  for (const doc of parseAllDocuments(readFileSync(join(DIR, f), 'utf8'))) {
    const o = doc.toJS() as { kind?: string; metadata: { name: string; annotations?: Record<string, string> }; spec: Omit<PackageSourceSpec, 'name'> } | null;
    if (o?.kind === 'PackageSource') SOURCES.set(o.metadata.name, { name: o.metadata.name, ...o.spec, ...(o.metadata.annotations ? { annotations: o.metadata.annotations } : {}) });
  }
}

describe('Packages expanded as the operator expands them (v1.6.2 PackageSources)', () => {
  it('reads the 98 PackageSources of the release', () => {
    expect(SOURCES.size).toBe(98);
  });

  it('networking kubeovn-cilium: its three components in variant order, in their namespaces, privileged', () => {
    const { releases, namespaces, problems } = expandPackages([{ name: 'cozystack.gateway-api-crds' }, { name: 'cozystack.networking', variant: 'kubeovn-cilium' }], SOURCES);
    expect(problems).toEqual([]);
    expect(releases.map((r) => `${r.namespace}/${r.releaseName}`)).toEqual(['cozy-gateway-api/gateway-api-crds', 'cozy-cilium/cilium', 'cozy-cilium/cilium-networkpolicy', 'cozy-kubeovn/kubeovn']);
    expect(namespaces).toEqual([
      { name: 'cozy-cilium', privileged: true },
      { name: 'cozy-gateway-api', privileged: false },
      { name: 'cozy-kubeovn', privileged: true },
    ]);
    const cilium = releases.find((r) => r.releaseName === 'cilium')!;
    expect(cilium.artifact).toBe('cozystack-networking-kubeovn-cilium-cilium');
    expect(cilium.valuesFiles).toEqual(['values.yaml', 'values-talos.yaml', 'values-kubeovn.yaml']);
  });

  it('dependsOn: the install.dependsOn components first, then every component of each variant dependency', () => {
    const { releases } = expandPackages([{ name: 'cozystack.gateway-api-crds' }, { name: 'cozystack.networking', variant: 'kubeovn-cilium' }], SOURCES);
    const gw = { name: 'gateway-api-crds', namespace: 'cozy-gateway-api' };
    const by = (n: string) => releases.find((r) => r.releaseName === n)!.dependsOn;
    expect(by('cilium')).toEqual([gw]);
    expect(by('cilium-networkpolicy')).toEqual([{ name: 'cilium', namespace: 'cozy-cilium' }, gw]);
    expect(by('kubeovn')).toEqual([{ name: 'cilium', namespace: 'cozy-cilium' }, gw]);
    expect(by('gateway-api-crds')).toEqual([]);
  });

  it('a component disabled in the Package is left out, but stays a target of install.dependsOn; ignoreDependencies drops a variant dependency', () => {
    const { releases } = expandPackages([{ name: 'cozystack.networking', variant: 'kubeovn-cilium', ignoreDependencies: ['cozystack.gateway-api-crds'], components: { cilium: { enabled: false } } }], SOURCES);
    expect(releases.map((r) => r.releaseName)).toEqual(['cilium-networkpolicy', 'kubeovn']);
    expect(releases[0]!.dependsOn).toEqual([{ name: 'cilium', namespace: 'cozy-cilium' }]);
  });

  it('values of a component go to its HelmRelease as given; application charts (no install) make no HelmRelease', () => {
    const { releases } = expandPackages([{ name: 'cozystack.postgres-application', ignoreDependencies: ['cozystack.networking', 'cozystack.postgres-operator', 'cozystack.cozystack-engine'], components: { 'postgres-rd': { values: { a: 1 } } } }], SOURCES);
    expect(releases.map((r) => [r.namespace, r.releaseName, r.values])).toEqual([['cozy-system', 'postgres-rd', { a: 1 }]]);
  });

  it('a Package whose dependency is not installed gets no HelmRelease (the operator waits for it), nor does one that depends on it', () => {
    // packages-v1.md §3 step 3: a dependency that is not Ready (a missing Package never is) stops every HelmRelease of the Package.
    const { releases, problems } = expandPackages([{ name: 'cozystack.networking', variant: 'kubeovn-cilium' }, { name: 'cozystack.cozy-proxy' }], SOURCES);
    expect(releases).toEqual([]);
    expect(problems).toEqual([
      'Package cozystack.networking: depends on Package cozystack.gateway-api-crds, which is not installed [DependenciesNotReady]',
      'Package cozystack.cozy-proxy: depends on Package cozystack.networking, which waits for a dependency itself [DependenciesNotReady]',
    ]);
  });

  it('what the operator would report: a missing PackageSource, variant or dependency', () => {
    const { problems } = expandPackages([{ name: 'cozystack.nope' }, { name: 'cozystack.networking', variant: 'nope' }, { name: 'cozystack.networking', variant: 'cilium' }], SOURCES);
    expect(problems).toEqual([
      'Package cozystack.nope: no PackageSource of that name [PackageSourceNotFound]',
      expect.stringMatching(/^Package cozystack\.networking: PackageSource has no variant 'nope' \(it has noop, cilium, .*\) \[VariantNotFound\]$/),
      'Package cozystack.networking: depends on Package cozystack.gateway-api-crds, which is not installed [DependenciesNotReady]',
    ]);
  });

  it('a PackageSource annotated skip-cozystack-values says so on its releases', () => {
    const annotated = [...SOURCES.values()].filter((s) => s.annotations?.['operator.cozystack.io/skip-cozystack-values'] === 'true');
    expect(annotated.map((s) => s.name)).toEqual(['cozystack.monitoring']);
    for (const s of annotated) {
      const v = s.variants.find((x) => x.components.some((c) => c.install))!;
      const { releases } = expandPackages([{ name: s.name, variant: v.name, ignoreDependencies: [...(v.dependsOn ?? [])] }], SOURCES);
      expect(releases.every((r) => r.skipCozystackValues), s.name).toBe(true);
    }
  });
});

// The same rules on small PackageSources made for each case, so that each rule is seen alone.
describe('the operator\'s rules, one at a time', () => {
  const src = (name: string, variant: Omit<PackageSourceVariant, 'name'> & { name?: string }, annotations?: Record<string, string>): [string, PackageSourceSpec] => [
    name,
    { name, variants: [{ name: 'default', ...variant }], ...(annotations ? { annotations } : {}) },
  ];
  const comp = (name: string, install?: PackageSourceComponent['install'], more: Partial<PackageSourceComponent> = {}): PackageSourceComponent => ({ name, path: `system/${name}`, ...(install ? { install } : {}), ...more });

  it('a variant without dependsOn waits for nothing; without valuesFiles a release has none', () => {
    const sources = new Map([src('p.a', { components: [comp('a', { namespace: 'cozy-a' })] })]);
    const { releases, problems } = expandPackages([{ name: 'p.a' }], sources);
    expect(problems).toEqual([]);
    expect(releases).toHaveLength(1);
    expect(releases[0]!.valuesFiles).toEqual([]);
    expect(releases[0]!.dependsOn).toEqual([]);
  });

  it('a Package waits when a dependency waits, whatever the order the Packages are given in', () => {
    // p.a needs p.b, p.b needs p.c, which is not installed: neither gets a release.
    const sources = new Map([src('p.a', { dependsOn: ['p.b'], components: [comp('a', { namespace: 'n' })] }), src('p.b', { dependsOn: ['p.c'], components: [comp('b', { namespace: 'n' })] })]);
    for (const order of [['p.a', 'p.b'], ['p.b', 'p.a']]) {
      const { releases, problems } = expandPackages(order.map((name) => ({ name })), sources);
      expect(releases, order.join(' ')).toEqual([]);
      expect([...problems].sort(), order.join(' ')).toEqual([
        'Package p.a: depends on Package p.b, which waits for a dependency itself [DependenciesNotReady]',
        'Package p.b: depends on Package p.c, which is not installed [DependenciesNotReady]',
      ]);
    }
  });

  it('a waiting Package names only the dependencies it waits for, not the ready ones', () => {
    const sources = new Map([src('p.a', { dependsOn: ['p.ok', 'p.missing'], components: [comp('a', { namespace: 'n' })] }), src('p.ok', { components: [comp('ok', { namespace: 'n' })] })]);
    const { releases, problems } = expandPackages([{ name: 'p.ok' }, { name: 'p.a' }], sources);
    expect(releases.map((r) => r.releaseName)).toEqual(['ok']);
    expect(problems).toEqual(['Package p.a: depends on Package p.missing, which is not installed [DependenciesNotReady]']);
  });

  it('install.dependsOn names a component of the variant that is installed; another name is a DependsOnFailed problem', () => {
    const sources = new Map([
      src('p.a', {
        components: [comp('first', { namespace: 'n1' }), comp('chart-only'), comp('second', { namespace: 'n2', releaseName: 'second-release' }), comp('user', { namespace: 'n3', dependsOn: ['second', 'chart-only', 'nope'] })],
      }),
    ]);
    const { releases, problems } = expandPackages([{ name: 'p.a' }], sources);
    expect(releases.find((r) => r.component === 'user')!.dependsOn).toEqual([{ name: 'second-release', namespace: 'n2' }]);
    expect(problems).toEqual([
      "Package p.a: component user depends on 'chart-only', which is no installed component of variant default [DependsOnFailed]",
      "Package p.a: component user depends on 'nope', which is no installed component of variant default [DependsOnFailed]",
    ]);
  });

  it('privileged, upgradeCRDs and values are the install\'s and the Package\'s, and absent when not given', () => {
    const sources = new Map([
      src('p.a', {
        components: [comp('priv', { namespace: 'shared', privileged: true, upgradeCRDs: 'Skip' }), comp('plain', { namespace: 'shared' }), comp('other', { namespace: 'alone', privileged: false }, { valuesFiles: ['values.yaml', 'values-x.yaml'] })],
      }),
    ]);
    const { releases, namespaces } = expandPackages([{ name: 'p.a', components: { plain: { values: { x: 1 } } } }], sources);
    const by = (c: string) => releases.find((r) => r.component === c)!;
    expect(by('priv').privileged).toBe(true);
    expect(by('plain').privileged).toBe(false);
    expect(by('other').privileged).toBe(false);
    expect(by('priv').upgradeCRDs).toBe('Skip');
    expect(Object.keys(by('plain'))).not.toContain('upgradeCRDs');
    expect(by('plain').values).toEqual({ x: 1 });
    expect(Object.keys(by('priv'))).not.toContain('values');
    expect(by('other').valuesFiles).toEqual(['values.yaml', 'values-x.yaml']);
    // A namespace is privileged when any release in it is, whichever comes first; namespaces sorted.
    expect(namespaces).toEqual([
      { name: 'alone', privileged: false },
      { name: 'shared', privileged: true },
    ]);
    const reversed = expandPackages([{ name: 'p.b' }], new Map([src('p.b', { components: [comp('plain', { namespace: 'shared' }), comp('priv', { namespace: 'shared', privileged: true })] })]));
    expect(reversed.namespaces).toEqual([{ name: 'shared', privileged: true }]);
    const first = expandPackages([{ name: 'p.c' }], new Map([src('p.c', { components: [comp('priv', { namespace: 'shared', privileged: true }), comp('plain', { namespace: 'shared' })] })]));
    expect(first.namespaces).toEqual([{ name: 'shared', privileged: true }]);
  });

  it('skipCozystackValues only with the annotation set to true', () => {
    const one = (annotations?: Record<string, string>) => expandPackages([{ name: 'p.a' }], new Map([src('p.a', { components: [comp('a', { namespace: 'n' })] }, annotations)])).releases[0]!.skipCozystackValues;
    expect(one()).toBe(false);
    expect(one({ 'operator.cozystack.io/skip-cozystack-values': 'false' })).toBe(false);
    expect(one({ 'operator.cozystack.io/skip-cozystack-values': 'true' })).toBe(true);
  });
});
