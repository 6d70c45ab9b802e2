// What the upstream operator makes of Packages (lib/model/package-sources.ts), on the real
// PackageSources of v1.6.2 (releases/v1.6.2/upstream/packages/core/platform/sources/). The
// expectations are the operator's rules (upstream internal/operator/package_reconciler.go) applied
// by hand to those files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { expandPackages, type PackageSourceSpec } from '../lib/model/package-sources.js';

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
